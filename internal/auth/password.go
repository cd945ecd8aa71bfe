package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
)

// argon2id parameters (OWASP's recommended minimum: 19 MiB, 2 passes, 1 lane).
const (
	argonMemoryKiB = 19 * 1024
	argonTime      = 2
	argonThreads   = 1
	argonKeyLen    = 32
	saltLen        = 16
	// MinPasswordLen is the shortest password createAgent accepts.
	MinPasswordLen = 8
	// maxPasswordLen bounds the work one login can cause.
	maxPasswordLen = 256
)

var b64 = base64.RawStdEncoding

// HashPassword returns an argon2id hash in the PHC string format.
func HashPassword(password string) (string, error) {
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("salt: %w", err)
	}
	key := argon2.IDKey([]byte(password), salt, argonTime, argonMemoryKiB, argonThreads, argonKeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, argonMemoryKiB, argonTime, argonThreads, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

var errBadHash = errors.New("auth: malformed password hash")

// CheckPassword reports whether password matches the PHC-encoded argon2id hash, in constant time.
func CheckPassword(encoded, password string) (bool, error) {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, errBadHash
	}
	var version int
	var mem, iters uint32
	var threads uint8
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false, errBadHash
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &mem, &iters, &threads); err != nil {
		return false, errBadHash
	}
	salt, err := b64.DecodeString(parts[4])
	if err != nil {
		return false, errBadHash
	}
	want, err := b64.DecodeString(parts[5])
	if err != nil {
		return false, errBadHash
	}
	got := argon2.IDKey([]byte(password), salt, iters, mem, threads, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// dummyHash is checked against when the email is unknown, so a login takes as long whether or not
// the account exists.
var dummyHash, _ = HashPassword("switchboard-timing-equaliser")

// commonPasswords are the most used passwords long enough to pass MinPasswordLen (from the
// public lists of leaked passwords): the first ones any guesser tries.
var commonPasswords = map[string]bool{}

func init() {
	for _, p := range strings.Fields(`password password1 password12 password123 passw0rd p@ssw0rd p@ssword
		12345678 123456789 1234567890 0123456789 87654321 987654321 11111111 00000000 12341234 123123123
		11223344 qwertyui qwertyuiop qwerty12 qwerty123 qwerty1234 1q2w3e4r 1q2w3e4r5t q1w2e3r4 1qaz2wsx
		zaq12wsx zaq1zaq1 asdfghjk asdfasdf abcd1234 abc12345 abcdefgh iloveyou sunshine princess football
		baseball welcome1 welcome123 letmein1 trustno1 superman starwars changeme changeme1 admin123
		administrator secret123 whatever dragon123 monkey123 michael1 jennifer computer internet`) {
		commonPasswords[p] = true
	}
}

// WeakPassword says why p is too easy to guess ("" when it is not): shorter than MinPasswordLen,
// one of the common passwords, one character repeated, or the email (or its name part) it signs
// in with.
func WeakPassword(p, email string) string {
	lower := strings.ToLower(p)
	_, first := utf8.DecodeRuneInString(lower)
	local, _, _ := strings.Cut(strings.ToLower(email), "@")
	switch {
	case utf8.RuneCountInString(p) < MinPasswordLen:
		return fmt.Sprintf("must be at least %d characters", MinPasswordLen)
	case commonPasswords[lower]:
		return "is one of the most common passwords: choose another"
	case strings.Count(lower, lower[:first])*first == len(lower):
		return "repeats one character: choose another"
	case email != "" && (lower == strings.ToLower(email) || lower == local):
		return "must not be the email address"
	}
	return ""
}
