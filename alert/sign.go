package alert

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Webhook requests are signed as the Standard Webhooks specification
// describes, so that receivers can use its libraries: three headers,
//
//	webhook-id:        stable per saved search and story, so a receiver drops repeats
//	webhook-timestamp: Unix seconds of the attempt, so a receiver refuses old replays
//	webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">
//
// keyed with the saved search's secret, "whsec_" and the base64 of 24
// random bytes.

// secretPrefix starts every signing secret.
const secretPrefix = "whsec_"

// NewSecret returns a fresh signing secret.
func NewSecret() (string, error) {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("webhook secret: %w", err)
	}
	return secretPrefix + base64.StdEncoding.EncodeToString(b), nil
}

// MessageID is the webhook-id of an alert: the same for every delivery of
// one saved search's alert on one story.
func MessageID(searchID int64, storyID string) string {
	return "ww_" + strconv.FormatInt(searchID, 10) + "_" + storyID
}

// Sign returns the webhook-signature header of body sent as message id at
// ts.
func Sign(secret, id string, ts time.Time, body []byte) (string, error) {
	key, err := secretKey(secret)
	if err != nil {
		return "", err
	}
	mac := hmac.New(sha256.New, key)
	fmt.Fprintf(mac, "%s.%d.", id, ts.Unix())
	mac.Write(body)
	return "v1," + base64.StdEncoding.EncodeToString(mac.Sum(nil)), nil
}

// secretKey decodes a whsec_ secret into its key bytes.
func secretKey(secret string) ([]byte, error) {
	enc, ok := strings.CutPrefix(secret, secretPrefix)
	if !ok {
		return nil, errors.New("webhook secret: want whsec_ and base64")
	}
	key, err := base64.StdEncoding.DecodeString(enc)
	if err != nil || len(key) == 0 {
		return nil, errors.New("webhook secret: want whsec_ and base64")
	}
	return key, nil
}
