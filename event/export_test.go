package event

// ResetRegistered forgets every type added with Register, so that tests
// which register types leave the global registry as they found it.
func ResetRegistered() {
	registerMu.Lock()
	defer registerMu.Unlock()
	custom.Store(nil)
}

// NewMemoryStoreWithClock is NewMemoryStore with the clock used for expiry.
var NewMemoryStoreWithClock = newMemoryStoreWithClock

// CatalogNames returns every known event name of the catalog, sorted.
func CatalogNames() []string {
	cat := Catalog()
	names := make([]string, len(cat))
	for i, info := range cat {
		names[i] = info.Name
	}
	return names
}

// ParseStd is Parse decoding through encoding/json only: the reference
// that the generated decoders must match on every input.
func ParseStd(data []byte) (*Event, error) { return parse(data, false) }
