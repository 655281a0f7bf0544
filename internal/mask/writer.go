package mask

import (
	"bytes"
	"io"
)

// MaxLine is the longest line masked as one: a longer run without a line
// break is masked in pieces of this size, so memory stays bounded
// whatever the input (a value across a piece boundary may then be missed).
const MaxLine = 1 << 20

// A Writer masks what is written to it line by line and writes the result
// to the underlying writer. Close masks and writes a last line that has no
// line break; it does not close the underlying writer.
type Writer struct {
	m       *Masker
	w       io.Writer
	pending []byte // the start of a line whose end has not been written yet
	out     []byte
}

// NewWriter returns a Writer that masks with m into w.
func NewWriter(w io.Writer, m *Masker) *Writer {
	return &Writer{m: m, w: w}
}

func (w *Writer) Write(p []byte) (int, error) {
	n := len(p)
	w.out = w.out[:0]
	if len(w.pending) > 0 {
		i := bytes.IndexByte(p, '\n')
		if i < 0 && len(w.pending)+len(p) < MaxLine {
			w.pending = append(w.pending, p...)
			return n, nil
		}
		if i < 0 {
			i = MaxLine - len(w.pending) - 1
		}
		w.pending = append(w.pending, p[:i+1]...)
		w.out = w.m.AppendLine(w.out, w.pending)
		w.pending = w.pending[:0]
		p = p[i+1:]
	}
	for len(p) > 0 {
		i := bytes.IndexByte(p, '\n')
		if i < 0 {
			if len(p) < MaxLine {
				w.pending = append(w.pending, p...)
				break
			}
			i = MaxLine - 1
		}
		w.out = w.m.AppendLine(w.out, p[:i+1])
		p = p[i+1:]
		if len(w.out) >= 64<<10 {
			if err := w.flush(); err != nil {
				return 0, err
			}
		}
	}
	if err := w.flush(); err != nil {
		return 0, err
	}
	return n, nil
}

func (w *Writer) flush() error {
	if len(w.out) == 0 {
		return nil
	}
	_, err := w.w.Write(w.out)
	w.out = w.out[:0]
	return err
}

// Close masks and writes the last, unfinished line.
func (w *Writer) Close() error {
	if len(w.pending) == 0 {
		return nil
	}
	w.out = w.m.AppendLine(w.out[:0], w.pending)
	w.pending = w.pending[:0]
	return w.flush()
}
