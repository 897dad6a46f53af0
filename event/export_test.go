package event

// ResetRegistered forgets every type added with Register, so that tests
// which register types leave the global registry as they found it.
func ResetRegistered() {
	registerMu.Lock()
	defer registerMu.Unlock()
	custom.Store(nil)
}
