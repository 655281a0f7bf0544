package desk

import "time"

// KBFile is a file of a knowledge item: an image its body shows, or an
// attachment to download. Name is what the editor's file was called, one
// name once an item; StorageKey is Caseport's own key in the file store.
type KBFile struct {
	ID          int64
	ItemID      int64
	Name        string
	Size        int64
	SHA256      string
	ContentType string
	StorageKey  string
	AddedAt     time.Time
	AddedBy     int64
}

// kbInlineTypes are the images a knowledge item's page shows inline; every
// other file is sent as a download.
var kbInlineTypes = map[string]bool{"image/png": true, "image/jpeg": true, "image/gif": true, "image/webp": true}

// Inline reports whether the file is an image the item's page shows.
func (f KBFile) Inline() bool { return kbInlineTypes[f.ContentType] }
