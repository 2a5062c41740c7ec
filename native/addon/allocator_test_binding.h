// allocator_test_binding.h — INTERNAL, for tests only: JS access to a CachingAllocator over a fake
// device (native/addon/allocator_test_binding.cpp), so that CI checks the allocator without a GPU.
#pragma once
#include <napi.h>

void registerAllocatorTestBindings(Napi::Env env, Napi::Object exports);
