package web

// The Transfer Files page masks logs in the browser with internal/mask
// compiled to WebAssembly (cmd/caseport-mask-wasm), loaded by the Go
// toolchain's wasm_exec.js. Both are generated into assets/static and
// committed, so that `go run ./cmd/caseport` serves them without a
// build step; TestMaskWASMIsCurrent fails while either is stale.
//go:generate sh -c "GOOS=js GOARCH=wasm go build -trimpath -buildvcs=false -ldflags='-s -w' -o assets/static/mask.wasm ../../cmd/caseport-mask-wasm"
//go:generate sh -c "cp \"$(go env GOROOT)/lib/wasm/wasm_exec.js\" assets/static/wasm_exec.js"
