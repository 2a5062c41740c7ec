// storage_table.h — the addon's storage handles (addon.cpp), for the other binding files.
#pragma once
#include <napi.h>
#include "../core/storage.h"

namespace flint {

/** The storage of a JS handle; DisposedError when it was freed. */
Storage* storageOf(const Napi::Value& v, const char* op);
/** Registers a storage made elsewhere and returns its handle. */
int32_t adoptStorage(Napi::Env env, Storage* s);
/** A new TypedArray with n host elements of dtype dt (16-bit floats widen to Float32Array, bool is Uint8Array). */
Napi::Value hostToTypedArray(Napi::Env env, const char* src, int64_t n, DType dt);

}  // namespace flint
