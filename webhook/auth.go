package webhook

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// ErrUnauthorized: an extra header check ([WithBasicAuth],
// [WithBearerToken], [WithHeader]) failed.
var ErrUnauthorized = errors.New("webhook: authentication header missing or wrong")

// ErrSourceNotAllowed: the client address is outside [WithAllowedSources].
var ErrSourceNotAllowed = errors.New("webhook: source address not allowed")

type headerCheck func(http.Header) bool

// equalSecret compares in constant time, whatever the lengths.
func equalSecret(got, want string) bool {
	g, w := sha256.Sum256([]byte(got)), sha256.Sum256([]byte(want))
	return subtle.ConstantTimeCompare(g[:], w[:]) == 1
}

func basicAuth(user, pass string) headerCheck {
	want := "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+pass))
	return func(h http.Header) bool { return equalSecret(lookupHeader(h, "Authorization"), want) }
}

func bearerToken(token string) headerCheck {
	return func(h http.Header) bool {
		got := lookupHeader(h, "Authorization")
		const scheme = "bearer "
		if len(got) < len(scheme) || !strings.EqualFold(got[:len(scheme)], scheme) {
			return false
		}
		return equalSecret(got[len(scheme):], token)
	}
}

func customHeader(key, value string) headerCheck {
	return func(h http.Header) bool { return equalSecret(lookupHeader(h, key), value) }
}

type sourceFilter struct {
	allowed []netip.Prefix
	proxies []netip.Prefix
}

func contains(prefixes []netip.Prefix, a netip.Addr) bool {
	for _, p := range prefixes {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// allows reports whether the request's client address is allowed.
func (f *sourceFilter) allows(r *http.Request) bool {
	client, ok := f.clientAddr(r)
	return ok && contains(f.allowed, client)
}

func (f *sourceFilter) clientAddr(r *http.Request) (netip.Addr, bool) {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	addr, err := netip.ParseAddr(host)
	if err != nil {
		return netip.Addr{}, false
	}
	addr = addr.Unmap()
	if !contains(f.proxies, addr) {
		return addr, true
	}
	// Behind trusted proxies: the client is the right-most address in
	// X-Forwarded-For that is not itself a trusted proxy.
	var hops []string
	for _, v := range r.Header.Values("X-Forwarded-For") {
		hops = append(hops, strings.Split(v, ",")...)
	}
	for i := len(hops) - 1; i >= 0; i-- {
		hop, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			return netip.Addr{}, false
		}
		hop = hop.Unmap()
		if !contains(f.proxies, hop) {
			return hop, true
		}
	}
	return addr, true
}
