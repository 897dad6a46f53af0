// Package signature computes Zoom's webhook signatures. It is shared by the
// webhook verifier, the test kit and the CLI, so that signing and verifying
// can never drift apart.
package signature

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"hash"
	"sync"
)

// Prefix starts every x-zm-signature value.
const Prefix = "v0="

// Size is the length in bytes of a decoded signature (SHA-256).
const Size = sha256.Size

// Signer computes HMAC-SHA256 signatures with one secret, reusing pre-keyed
// HMAC states from a pool so that signing allocates nothing. It is safe for
// concurrent use.
type Signer struct {
	pool sync.Pool
}

type state struct {
	mac hash.Hash
	buf [64]byte
	sum [Size]byte
}

// NewSigner returns a Signer for secret.
func NewSigner(secret string) *Signer {
	key := []byte(secret)
	s := &Signer{}
	s.pool.New = func() any { return &state{mac: hmac.New(sha256.New, key)} }
	return s
}

// Message writes HMAC(secret, "v0:" + timestamp + ":" + body) into sum.
func (s *Signer) Message(sum *[Size]byte, timestamp string, body []byte) {
	st := s.pool.Get().(*state)
	st.mac.Reset()
	p := append(st.buf[:0], "v0:"...)
	if len(timestamp) <= len(st.buf)-4 {
		p = append(p, timestamp...)
		p = append(p, ':')
		st.mac.Write(p)
	} else {
		st.mac.Write(p)
		st.mac.Write([]byte(timestamp))
		st.mac.Write([]byte{':'})
	}
	st.mac.Write(body)
	copy(sum[:], st.mac.Sum(st.sum[:0]))
	s.pool.Put(st)
}

// Token writes HMAC(secret, token) into sum: the encryptedToken of a URL
// validation challenge.
func (s *Signer) Token(sum *[Size]byte, token string) {
	st := s.pool.Get().(*state)
	st.mac.Reset()
	st.mac.Write([]byte(token))
	copy(sum[:], st.mac.Sum(st.sum[:0]))
	s.pool.Put(st)
}

// Sign returns the x-zm-signature header value for timestamp and body.
func Sign(secret, timestamp string, body []byte) string {
	var sum [Size]byte
	NewSigner(secret).Message(&sum, timestamp, body)
	return Prefix + hex.EncodeToString(sum[:])
}

// EncryptToken returns the encryptedToken that answers a URL validation
// challenge for plainToken.
func EncryptToken(secret, plainToken string) string {
	var sum [Size]byte
	NewSigner(secret).Token(&sum, plainToken)
	return hex.EncodeToString(sum[:])
}

// Parse decodes an x-zm-signature value, Prefix and 2*Size hex digits
// (either case), into sum. It reports false, leaving sum unspecified, for
// anything else. It allocates nothing.
func Parse(sum *[Size]byte, value string) bool {
	if len(value) != len(Prefix)+2*Size || value[:len(Prefix)] != Prefix {
		return false
	}
	var digits [2 * Size]byte // a copy on the stack: []byte(value) would allocate
	copy(digits[:], value[len(Prefix):])
	_, err := hex.Decode(sum[:], digits[:])
	return err == nil
}

// Equal compares two signatures in constant time.
func Equal(a, b []byte) bool { return hmac.Equal(a, b) }
