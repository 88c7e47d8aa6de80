// Package rawjson finds values in JSON text without decoding it, for the
// export's hot path: an export passes stored documents on as they are, so
// it only needs to know where each one starts and ends and to read a few
// top-level fields. Skipping a long string is a byte search rather than
// encoding/json's per-byte state machine, several times faster.
//
// The scanner checks structure (balanced brackets, terminated strings,
// commas and colons where they belong, literals spelt right) but not the
// fine grammar of numbers or escape sequences; encoding/json decodes the
// few values a caller asks for, and so checks those fully.
package rawjson

import (
	"bytes"
	"errors"
	"fmt"
)

// ErrSyntax reports text that is not JSON.
var ErrSyntax = errors.New("malformed JSON")

func syntax(at int, what string) error { return fmt.Errorf("%w at byte %d: %s", ErrSyntax, at, what) }

func skipSpace(b []byte, i int) int {
	for i < len(b) {
		switch b[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

// Skip returns the index just after the JSON value that starts at b[i]
// (after optional white space).
func Skip(b []byte, i int) (int, error) {
	i = skipSpace(b, i)
	if i >= len(b) {
		return 0, syntax(i, "value expected")
	}
	switch c := b[i]; c {
	case '"':
		return skipString(b, i)
	case '{', '[':
		return skipComposite(b, i)
	case 't':
		return literal(b, i, "true")
	case 'f':
		return literal(b, i, "false")
	case 'n':
		return literal(b, i, "null")
	default:
		if c == '-' || c >= '0' && c <= '9' {
			j := i + 1
			for j < len(b) && (b[j] >= '0' && b[j] <= '9' || b[j] == '.' || b[j] == 'e' || b[j] == 'E' || b[j] == '+' || b[j] == '-') {
				j++
			}
			return j, nil
		}
		return 0, syntax(i, fmt.Sprintf("unexpected %q", c))
	}
}

func literal(b []byte, i int, lit string) (int, error) {
	if !bytes.HasPrefix(b[i:], []byte(lit)) {
		return 0, syntax(i, "bad literal")
	}
	return i + len(lit), nil
}

// skipString returns the index after the string starting at b[i] == '"'.
func skipString(b []byte, i int) (int, error) {
	i++
	for {
		j := bytes.IndexByte(b[i:], '"')
		if j < 0 {
			return 0, syntax(len(b), "unterminated string")
		}
		end := i + j
		// The quote ends the string unless an odd number of
		// backslashes escapes it.
		n := 0
		for k := end - 1; k >= i && b[k] == '\\'; k-- {
			n++
		}
		if n%2 == 0 {
			return end + 1, nil
		}
		i = end + 1
	}
}

// skipComposite returns the index after the object or array at b[i].
func skipComposite(b []byte, i int) (int, error) {
	if b[i] == '[' {
		i = skipSpace(b, i+1)
		if i < len(b) && b[i] == ']' {
			return i + 1, nil
		}
		for {
			var err error
			if i, err = Skip(b, i); err != nil {
				return 0, err
			}
			i = skipSpace(b, i)
			if i >= len(b) {
				return 0, syntax(i, "unterminated array")
			}
			switch b[i] {
			case ',':
				i++
			case ']':
				return i + 1, nil
			default:
				return 0, syntax(i, "',' or ']' expected")
			}
		}
	}
	end := 0
	err := Fields(b[i:], func(_, _ []byte) bool { return true }, &end)
	return i + end, err
}

// Fields calls fn with the raw key (without quotes, escapes left as they
// are) and raw value of each member of the object b holds, in order,
// until fn returns false. With end not nil, it stores there the index just
// after the object.
func Fields(b []byte, fn func(key, value []byte) bool, end *int) error {
	i := skipSpace(b, 0)
	if i >= len(b) || b[i] != '{' {
		return syntax(i, "object expected")
	}
	i = skipSpace(b, i+1)
	if i < len(b) && b[i] == '}' {
		if end != nil {
			*end = i + 1
		}
		return nil
	}
	more := true
	for {
		if i >= len(b) || b[i] != '"' {
			return syntax(i, "member name expected")
		}
		ke, err := skipString(b, i)
		if err != nil {
			return err
		}
		key := b[i+1 : ke-1]
		i = skipSpace(b, ke)
		if i >= len(b) || b[i] != ':' {
			return syntax(i, "':' expected")
		}
		vs := skipSpace(b, i+1)
		ve, err := Skip(b, vs)
		if err != nil {
			return err
		}
		if more {
			more = fn(key, b[vs:ve])
			if !more && end == nil {
				return nil
			}
		}
		i = skipSpace(b, ve)
		if i >= len(b) {
			return syntax(i, "unterminated object")
		}
		switch b[i] {
		case ',':
			i = skipSpace(b, i+1)
		case '}':
			if end != nil {
				*end = i + 1
			}
			return nil
		default:
			return syntax(i, "',' or '}' expected")
		}
	}
}

// Elements calls fn with each raw element of the array b holds, in order,
// until fn returns false.
func Elements(b []byte, fn func(value []byte) bool) error {
	i := skipSpace(b, 0)
	if i >= len(b) || b[i] != '[' {
		return syntax(i, "array expected")
	}
	i = skipSpace(b, i+1)
	if i < len(b) && b[i] == ']' {
		return nil
	}
	for {
		vs := skipSpace(b, i)
		ve, err := Skip(b, vs)
		if err != nil {
			return err
		}
		if !fn(b[vs:ve]) {
			return nil
		}
		i = skipSpace(b, ve)
		if i >= len(b) {
			return syntax(i, "unterminated array")
		}
		switch b[i] {
		case ',':
			i++
		case ']':
			return nil
		default:
			return syntax(i, "',' or ']' expected")
		}
	}
}
