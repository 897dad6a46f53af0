package event

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/url"
	"strings"
)

// EventKey identifies an event by what Zoom sent, less what Zoom changes
// from one delivery of the same event to the next. It is the default key of
// [Dedup].
//
// It is the hex SHA-256 of the raw bytes, except that these members are
// left out first, because Zoom issues them anew for each delivery:
//   - the top-level download_token of recording events (a short-lived token
//     for downloading the files; a redelivered recording.completed carries a
//     new one);
//   - in every string that is an http or https URL (download_url, play_url,
//     ...), the query parameters that carry a per-delivery credential:
//     access_token, token, download_token and jwt, in any case and with or
//     without underscores (accessToken). A page_token or other parameter
//     counts.
//
// Everything else counts: the name, event_ts and the whole payload, so two
// participants joining one meeting in the same millisecond, or one
// participant joining twice, are different events. Bodies that contain no
// "token" or "jwt" (in any case) are hashed as they are, at the cost of
// [ContentKey]; the others are hashed as encoding/json reads them, so two
// bodies that it reads alike (a repeated member, where the last counts)
// have one key.
func EventKey(ev *Event) string {
	if !containsFold(ev.Raw, "token") && !containsFold(ev.Raw, "jwt") {
		return ContentKey(ev)
	}
	dec := json.NewDecoder(bytes.NewReader(ev.Raw))
	dec.UseNumber()
	var body any
	if dec.Decode(&body) != nil {
		return ContentKey(ev)
	}
	if top, ok := body.(map[string]any); ok {
		delete(top, "download_token")
	}
	canonical, err := json.Marshal(withoutURLTokens(body))
	if err != nil {
		return ContentKey(ev)
	}
	// A prefix no hex digest has keeps the two forms apart.
	sum := sha256.Sum256(canonical)
	return "z" + hex.EncodeToString(sum[:])
}

// withoutURLTokens returns v with token query parameters removed from every
// http(s) URL string in it.
func withoutURLTokens(v any) any {
	switch v := v.(type) {
	case map[string]any:
		for k, m := range v {
			v[k] = withoutURLTokens(m)
		}
	case []any:
		for i, m := range v {
			v[i] = withoutURLTokens(m)
		}
	case string:
		return stripURLTokens(v)
	}
	return v
}

func stripURLTokens(s string) string {
	if !strings.HasPrefix(s, "https://") && !strings.HasPrefix(s, "http://") || !strings.Contains(s, "?") {
		return s
	}
	u, err := url.Parse(s)
	if err != nil {
		return s
	}
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return s
	}
	changed := false
	for name := range q {
		if credentialParam(name) {
			q.Del(name)
			changed = true
		}
	}
	if !changed {
		return s
	}
	u.RawQuery = q.Encode()
	return u.String()
}

// credentialParam reports whether a URL query parameter carries a
// per-delivery credential.
func credentialParam(name string) bool {
	switch strings.ReplaceAll(strings.ToLower(name), "_", "") {
	case "accesstoken", "token", "downloadtoken", "downloadaccesstoken", "jwt":
		return true
	}
	return false
}

// containsFold reports whether s contains the lower-case ASCII word w in
// any case, without allocating.
func containsFold(s []byte, w string) bool {
	for i := 0; i+len(w) <= len(s); i++ {
		j := 0
		for ; j < len(w); j++ {
			c := s[i+j]
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			if c != w[j] {
				break
			}
		}
		if j == len(w) {
			return true
		}
	}
	return false
}
