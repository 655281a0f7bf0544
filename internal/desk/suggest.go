package desk

import "time"

// ComponentModel is a trained model of the component a case's text points
// to (its summary and description), as the console tells of it; the
// model itself is bytes the store keeps beside it.
type ComponentModel struct {
	ID        int64
	TrainedAt time.Time
	// TrainedBy is the portal admin who asked for it; zero: the job.
	TrainedBy int64
	// Cases is how many cases it learned from, Components how many
	// components those were opened against.
	Cases, Components int
}

// ComponentExample is a case as the component model learns from it: its
// text and the product and component it was opened against.
type ComponentExample struct {
	Summary, Description   string
	ProductID, ComponentID int64
}
