package alert_test

import (
	"fmt"
	"time"

	"github.com/wirewatch/wirewatch/alert"
)

// A webhook request's signature: the example of the Standard Webhooks
// specification.
func ExampleSign() {
	sig, err := alert.Sign("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek",
		time.Unix(1614265330, 0), []byte(`{"test": 2432232314}`))
	if err != nil {
		panic(err)
	}
	fmt.Println(sig)
	// Output: v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=
}
