package store

import (
	"context"
	"fmt"

	"github.com/caseport/caseport/internal/desk"
)

const kbFileColumns = `id, item_id, name, size, sha256, content_type, storage_key, added_at, added_by`

func scanKBFile(sc scanner, f *desk.KBFile) error {
	err := sc.Scan(&f.ID, &f.ItemID, &f.Name, &f.Size, &f.SHA256, &f.ContentType, &f.StorageKey, &f.AddedAt, nullInt{&f.AddedBy})
	f.AddedAt = f.AddedAt.UTC()
	return err
}

// AddKBFile records a stored file of a knowledge item.
func (tx *Tx) AddKBFile(ctx context.Context, f *desk.KBFile) error {
	err := tx.q().row(ctx, `INSERT INTO kb_item_files (item_id, name, size, sha256, content_type, storage_key, added_at, added_by)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		f.ItemID, f.Name, f.Size, f.SHA256, f.ContentType, f.StorageKey, ts(f.AddedAt), id(f.AddedBy)).Scan(&f.ID)
	if err != nil {
		return conflict(err, "record knowledge file "+f.Name)
	}
	return nil
}

// DeleteKBFile forgets a file of a knowledge item (its bytes are the
// caller's to delete once the transaction is committed).
func (tx *Tx) DeleteKBFile(ctx context.Context, itemID int64, name string) error {
	if _, err := tx.q().exec(ctx, `DELETE FROM kb_item_files WHERE item_id = ? AND name = ?`, itemID, name); err != nil {
		return fmt.Errorf("delete knowledge file %s: %w", name, err)
	}
	return nil
}

// KBFiles lists a knowledge item's files by name.
func (s *Store) KBFiles(ctx context.Context, itemID int64) ([]desk.KBFile, error) {
	rows, err := s.read().query(ctx, `SELECT `+kbFileColumns+` FROM kb_item_files WHERE item_id = ? ORDER BY name, id`, itemID)
	if err != nil {
		return nil, fmt.Errorf("knowledge files: %w", err)
	}
	defer rows.Close()
	out := []desk.KBFile{}
	for rows.Next() {
		var f desk.KBFile
		if err := scanKBFile(rows, &f); err != nil {
			return nil, fmt.Errorf("knowledge files: %w", err)
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

// KBFile reads one file of a knowledge item by its name.
func (s *Store) KBFile(ctx context.Context, itemID int64, name string) (*desk.KBFile, error) {
	return kbFile(ctx, s.read(), itemID, name)
}

// KBFile reads one file of a knowledge item as the transaction sees it.
func (tx *Tx) KBFile(ctx context.Context, itemID int64, name string) (*desk.KBFile, error) {
	return kbFile(ctx, tx.q(), itemID, name)
}

func kbFile(ctx context.Context, q q, itemID int64, name string) (*desk.KBFile, error) {
	var f desk.KBFile
	if err := scanKBFile(q.row(ctx, `SELECT `+kbFileColumns+` FROM kb_item_files WHERE item_id = ? AND name = ?`, itemID, name), &f); err != nil {
		return nil, notFound(err, fmt.Sprintf("knowledge file %s of item %d", name, itemID))
	}
	return &f, nil
}
