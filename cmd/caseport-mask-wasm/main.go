//go:build js && wasm

// Command caseport-mask-wasm is the log masker of `caseport mask` built
// for the browser: the Transfer Files page masks a text file with it
// before sending, so the data never leaves the customer's machine.
//
// Rebuild it with `go generate ./internal/web` after a change to
// internal/mask; a test fails while the embedded copy is stale.
//
// It sets one global function:
//
//	caseportMasker(consistent) → {write(Uint8Array) → Uint8Array, close() → Uint8Array, summary() → {counts, text}}
//
// write masks the complete lines of what it is given and keeps the rest
// for the next call; close masks what is left; summary gives the counts
// by kind and the one-line text `caseport mask` prints.
package main

import (
	"bytes"
	"syscall/js"

	"github.com/caseport/caseport/internal/mask"
)

func main() {
	js.Global().Set("caseportMasker", js.FuncOf(newMasker))
	select {} // serve calls for as long as the page lives
}

func newMasker(_ js.Value, args []js.Value) any {
	consistent := len(args) > 0 && args[0].Truthy()
	m := mask.New(mask.Options{Consistent: consistent})
	var out bytes.Buffer
	w := mask.NewWriter(&out, m)
	var in []byte
	take := func() any {
		res := js.Global().Get("Uint8Array").New(out.Len())
		js.CopyBytesToJS(res, out.Bytes())
		out.Reset()
		return res
	}
	return js.ValueOf(map[string]any{
		"write": js.FuncOf(func(_ js.Value, args []js.Value) any {
			chunk := args[0]
			in = append(in[:0], make([]byte, chunk.Get("length").Int())...)
			js.CopyBytesToGo(in, chunk)
			_, _ = w.Write(in) // writes to a bytes.Buffer do not fail
			return take()
		}),
		"close": js.FuncOf(func(js.Value, []js.Value) any {
			_ = w.Close()
			return take()
		}),
		"summary": js.FuncOf(func(js.Value, []js.Value) any {
			var counts []any
			for _, c := range m.Summary() {
				counts = append(counts, map[string]any{"kind": c.Kind, "values": c.Values, "distinct": c.Distinct})
			}
			return js.ValueOf(map[string]any{"counts": counts, "text": mask.FormatSummary(m.Summary())})
		}),
	})
}
