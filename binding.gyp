{
  "targets": [
    {
      "target_name": "flintml",
      "sources": ["<!@(node scripts/sources.js --gyp)"],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NAPI_CPP_EXCEPTIONS", "NODE_ADDON_API_DISABLE_DEPRECATED"],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti", "-std=gnu++1y", "-std=gnu++17"],
      "cflags_cc": ["-std=c++17", "-O3", "-fexceptions", "-fno-math-errno", "-ffp-contract=off", "-fvisibility=hidden"],
      "ldflags": ["-static-libstdc++"],
      "libraries": ["-ldl", "-lpthread", "<!@(node -p \"process.report.getReport().header.glibcVersionRuntime ? '-Wl,--push-state,--no-as-needed -l:libpthread.so.0 -l:libdl.so.2 -Wl,--pop-state' : ''\")"]
    }
  ]
}
