{
  "targets": [{
    "target_name": "pcsc_sync",
    "sources": ["native/pcsc_sync.c"],
    "include_dirs": ["/usr/include/PCSC"],
    "libraries": ["-lpcsclite"],
    "defines": ["NAPI_VERSION=8"]
  }]
}
