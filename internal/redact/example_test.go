package redact_test

import (
	"fmt"

	"github.com/wirewatch/wirewatch/internal/redact"
)

func ExampleURL() {
	fmt.Println(redact.URL("https://user:pw@hooks.example.org/services/T0/B0/XyZ?token=abc"))
	// Output: https://***@hooks.example.org/…
}
