package pgstore

// The two causes of a lost lease, for tests that tell them apart.
var (
	ErrLeaseTaken      = errTaken
	ErrLeaseNotRenewed = errNotRenewed
)
