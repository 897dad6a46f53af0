package main

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"unicode"
)

// Enums. A string member whose schema lists its values gets a named string
// type, with one constant per value and a String method, when:
//
//   - its Go type would be string (not ID or DateTime, whose names say more),
//   - the schema lists 2 to maxEnumValues values, all strings, and
//   - every value camel-cases to a distinct word that starts with a letter
//     (so "in-progress" gives ...InProgress; a list with "" or "1" stays a
//     plain string).
//
// Members with the same JSON name and the same values share one type,
// named like a nested object (render.go) from its uses. A constant is the
// type's name followed by its camel-cased value. Decoding never fails on a
// value the schema does not list: the type is a string, so it holds any.
const maxEnumValues = 30

// enumDef is one named enum type.
type enumDef struct {
	json   string
	values []string
	uses   []use
	fields []*field
	name   string
}

func (en *enumDef) places() []use    { return en.uses }
func (en *enumDef) setName(n string) { en.name = n }
func (en *enumDef) getName() string  { return en.name }

type enumConst struct{ name, value string }

// consts returns the constants of the enum, in schema order.
func (en *enumDef) consts() []enumConst {
	out := make([]enumConst, len(en.values))
	for i, v := range en.values {
		out[i] = enumConst{en.name + camel(v), v}
	}
	return out
}

// fits reports whether the enum can be called name: none of its constants
// is taken.
func (en *enumDef) fits(name string, taken map[string]bool) bool {
	for _, v := range en.values {
		if taken[name+camel(v)] {
			return false
		}
	}
	return true
}

// drop makes the enum's fields plain strings again.
func (en *enumDef) drop() {
	for _, f := range en.fields {
		f.enumType = nil
	}
	en.uses = nil
}

// fieldEnumValues returns the decoded values of a field's enum when the field
// qualifies for an enum type, else nil.
func fieldEnumValues(f *field) []string {
	if f.t.k != kString || len(f.enum) < 2 || len(f.enum) > maxEnumValues {
		return nil
	}
	seen := map[string]bool{}
	var vals []string
	for _, lit := range f.enum {
		var v string
		if json.Unmarshal([]byte(lit), &v) != nil {
			return nil
		}
		ws := words(v)
		if len(ws) == 0 || !unicode.IsLetter([]rune(ws[0])[0]) {
			return nil
		}
		c := camel(v)
		if seen[c] {
			return nil
		}
		seen[c] = true
		vals = append(vals, v)
	}
	return vals
}

// collectEnums finds the enum fields of every event and shape and groups
// them by JSON name and values.
func (g *gen) collectEnums() {
	g.enums = map[string]*enumDef{}
	g.enumList = nil
	add := func(f *field, places []use) {
		vals := fieldEnumValues(f)
		if vals == nil {
			return
		}
		key := f.json + "\x00" + strings.Join(vals, "\x00")
		en := g.enums[key]
		if en == nil {
			en = &enumDef{json: f.json, values: vals}
			g.enums[key] = en
			g.enumList = append(g.enumList, en)
		}
		f.enumType = en
		en.fields = append(en.fields, f)
		for _, p := range places {
			en.uses = append(en.uses, use{p.event, p.path + "." + f.json})
		}
	}
	for _, e := range g.events {
		for _, f := range e.fields {
			add(f, []use{{e.name, "payload"}})
		}
	}
	for _, sh := range g.order {
		for _, f := range sh.fields {
			add(f, sh.uses)
		}
	}
	for _, en := range g.enumList {
		sortUses(en.uses)
		// A shape used twice in one event at the same path cannot happen,
		// but two shapes may hold the same member at one place: dedupe.
		out := en.uses[:0]
		for i, u := range en.uses {
			if i == 0 || u != en.uses[i-1] {
				out = append(out, u)
			}
		}
		en.uses = out
	}
}

// writeEnum writes the enum's type, constants and String method.
func writeEnum(b *strings.Builder, en *enumDef) {
	writeComment(b, "", fmt.Sprintf("%s is the value of the %q member %s. Zoom's schema lists the values "+
		"below; a value it does not list still decodes, as it is.", en.name, en.json, placesText(en.uses, true)))
	fmt.Fprintf(b, "type %s string\n\n", en.name)
	fmt.Fprintf(b, "// The values of %s that Zoom's schema lists.\nconst (\n", en.name)
	for _, c := range en.consts() {
		fmt.Fprintf(b, "\t%s %s = %q\n", c.name, en.name, c.value)
	}
	b.WriteString(")\n\n")
	fmt.Fprintf(b, "// String returns the value as Zoom sent it.\nfunc (v %s) String() string { return string(v) }\n\n", en.name)
}

// placesText describes where a type is found, for its doc comment: "of
// the meeting.started payload (at object)", or "of the payloads of
// meeting.started, meeting.ended and 3 more events (at object)".
func placesText(uses []use, member bool) string {
	var events []string
	seen := map[string]bool{}
	samePath := true
	for _, u := range uses {
		if !seen[u.event] {
			seen[u.event] = true
			events = append(events, u.event)
		}
		if u.path != uses[0].path {
			samePath = false
		}
	}
	sort.Strings(events)
	where := strings.TrimPrefix(uses[0].path, "payload.")
	if member {
		// The path of an enum is that of its member: show its parent.
		if i := strings.LastIndexByte(where, '.'); i >= 0 {
			where = where[:i]
		} else {
			where = ""
		}
	}
	at := ""
	switch {
	case where != "" && samePath:
		at = " (at " + where + ")"
	case where != "":
		at = fmt.Sprintf(" (at %s in %s, and elsewhere)", where, uses[0].event)
	case !samePath:
		at = " (and elsewhere)"
	}
	if len(events) == 1 {
		return fmt.Sprintf("in the %s payload%s", events[0], at)
	}
	var list string
	if len(events) > 3 {
		list = strings.Join(events[:3], ", ") + fmt.Sprintf(" and %d more events", len(events)-3)
	} else {
		list = strings.Join(events[:len(events)-1], ", ") + " and " + events[len(events)-1]
	}
	return fmt.Sprintf("in the payloads of %s%s", list, at)
}
