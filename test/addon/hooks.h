// hooks.h — the register functions of flintml_test.node's hook files (see test_addon.cpp).
#pragma once
#include <napi.h>

void registerAllocatorHooks(Napi::Env env, Napi::Object exports);  // allocator_hooks.cpp
void registerBlasSearchHook(Napi::Env env, Napi::Object exports);  // blas_search_hook.cpp
