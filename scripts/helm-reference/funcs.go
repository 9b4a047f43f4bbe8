// Template functions that are not Helm's engine code: the Sprig 3.2.3 -> 3.3.0 differences, and the
// deterministic replacements for Sprig's random and crypto generators.
//
// Sprig 3.3.0 (MIT, Copyright (C) 2013-2020 Masterminds) differs from the 3.2.3 that Debian packages in:
// sha512sum (new), camelcase (xstrings.ToPascalCase of xstrings v1.5 instead of ToCamelCase of v1.3),
// merge/mergeOverwrite (dario.cat/mergo v1.0.1 instead of imdario/mergo v0.3.12), and Helm 3.19.2 pins
// Masterminds/semver v3.4.0 where Debian has v3.2.0 (semver, semverCompare). The bodies below are Sprig's
// own (crypto.go, dict.go, semver.go of v3.3.0) compiled against the vendored libraries in third_party/.

package main

import (
	"crypto/sha512"
	"encoding/hex"
	"strings"
	"unicode"
	"unicode/utf8"

	"helmreference/third_party/mergo"
	"helmreference/third_party/semver"
)

// sprig330Funcs returns the functions whose Sprig 3.3.0 behaviour differs from Debian's Sprig 3.2.3 build.
func sprig330Funcs() map[string]interface{} {
	return map[string]interface{}{
		"sha512sum": func(input string) string {
			hash := sha512.Sum512([]byte(input))
			return hex.EncodeToString(hash[:])
		},
		"camelcase": toPascalCase,
		"merge": func(dst map[string]interface{}, srcs ...map[string]interface{}) interface{} {
			for _, src := range srcs {
				if err := mergo.Merge(&dst, src); err != nil {
					// Swallow errors inside of a template.
					return ""
				}
			}
			return dst
		},
		"mustMerge": func(dst map[string]interface{}, srcs ...map[string]interface{}) (interface{}, error) {
			for _, src := range srcs {
				if err := mergo.Merge(&dst, src); err != nil {
					return nil, err
				}
			}
			return dst, nil
		},
		"mergeOverwrite": func(dst map[string]interface{}, srcs ...map[string]interface{}) interface{} {
			for _, src := range srcs {
				if err := mergo.MergeWithOverwrite(&dst, src); err != nil {
					// Swallow errors inside of a template.
					return ""
				}
			}
			return dst
		},
		"mustMergeOverwrite": func(dst map[string]interface{}, srcs ...map[string]interface{}) (interface{}, error) {
			for _, src := range srcs {
				if err := mergo.MergeWithOverwrite(&dst, src); err != nil {
					return nil, err
				}
			}
			return dst, nil
		},
		"semverCompare": func(constraint, version string) (bool, error) {
			c, err := semver.NewConstraint(constraint)
			if err != nil {
				return false, err
			}
			v, err := semver.NewVersion(version)
			if err != nil {
				return false, err
			}
			return c.Check(v), nil
		},
		"semver": func(version string) (*semver.Version, error) {
			return semver.NewVersion(version)
		},
	}
}

// toPascalCase is xstrings v1.5's ToPascalCase (toCamelCase(str, true); MIT, Copyright 2015 Huan Du).
func toPascalCase(str string) string {
	if len(str) == 0 {
		return ""
	}

	buf := &strings.Builder{}
	var isFirstRuneUpper bool
	var r0, r1 rune
	var size int

	// leading connector will appear in output.
	for len(str) > 0 {
		r0, size = utf8.DecodeRuneInString(str)
		str = str[size:]

		if !isConnector(r0) {
			isFirstRuneUpper = unicode.IsUpper(r0)
			r0 = unicode.ToUpper(r0)
			break
		}

		buf.WriteRune(r0)
	}

	if len(str) == 0 {
		// A special case for a string contains only 1 rune.
		if size != 0 {
			buf.WriteRune(r0)
		}

		return buf.String()
	}

	for len(str) > 0 {
		r1 = r0
		r0, size = utf8.DecodeRuneInString(str)
		str = str[size:]

		if isConnector(r0) && isConnector(r1) {
			buf.WriteRune(r1)
			continue
		}

		if isConnector(r1) {
			isFirstRuneUpper = unicode.IsUpper(r0)
			r0 = unicode.ToUpper(r0)
		} else {
			if isFirstRuneUpper {
				if unicode.IsUpper(r0) {
					r0 = unicode.ToLower(r0)
				} else {
					isFirstRuneUpper = false
				}
			}

			buf.WriteRune(r1)
		}
	}

	buf.WriteRune(r0)
	return buf.String()
}

func isConnector(r rune) bool {
	return r == '-' || r == '_' || unicode.IsSpace(r)
}

// deterministicCertificate has the shape of Sprig's certificate (fields Cert and Key), so templates that
// read .Cert / .Key or pass the CA on to genSignedCert behave the same.
type deterministicCertificate struct {
	Cert string
	Key  string
}

// repeatTo returns the first n characters of the endless repetition of alphabet (empty for n <= 0).
func repeatTo(alphabet string, n int) string {
	if n <= 0 {
		return ""
	}
	var b strings.Builder
	for b.Len() < n {
		b.WriteString(alphabet)
	}
	return b.String()[:n]
}

const (
	alphaChars    = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	alphaNumChars = alphaChars + "0123456789"
	numericChars  = "0123456789"
)

// asciiChars holds the printable characters '!' (33) through '~' (126), randAscii's alphabet.
var asciiChars = func() string {
	var b strings.Builder
	for c := byte(33); c <= 126; c++ {
		b.WriteByte(c)
	}
	return b.String()
}()

// deterministicFuncs replaces Sprig's generators of random output with fixed ones. The TypeScript renderer
// implements the same table, so the two can be compared byte for byte. Signatures match Sprig's, so type
// errors (for example a float64 count) surface exactly as with the real functions.
func deterministicFuncs() map[string]interface{} {
	return map[string]interface{}{
		"randAlphaNum": func(count int) string { return repeatTo(alphaNumChars, count) },
		"randAlpha":    func(count int) string { return repeatTo(alphaChars, count) },
		"randNumeric":  func(count int) string { return repeatTo(numericChars, count) },
		"randAscii":    func(count int) string { return repeatTo(asciiChars, count) },
		"shuffle":      func(str string) string { return str },
		"uuidv4":       func() string { return "00000000-0000-4000-8000-000000000000" },
		"genCA": func(cn string, daysValid int) (deterministicCertificate, error) {
			return deterministicCertificate{Cert: "CA-CERT " + cn, Key: "CA-KEY " + cn}, nil
		},
		"genSignedCert": func(cn string, ips []interface{}, alternateDNS []interface{}, daysValid int,
			ca deterministicCertificate) (deterministicCertificate, error) {
			return deterministicCertificate{Cert: "CERT " + cn + " SIGNED-BY " + ca.Cert, Key: "KEY " + cn}, nil
		},
		"genSelfSignedCert": func(cn string, ips []interface{}, alternateDNS []interface{},
			daysValid int) (deterministicCertificate, error) {
			return deterministicCertificate{Cert: "SELF-CERT " + cn, Key: "SELF-KEY " + cn}, nil
		},
		"genPrivateKey": func(typ string) string { return "PRIVATE-KEY " + typ },
	}
}
