package mail_test

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/restauth/restauth/core/mail"
)

func ExampleNewQueue() {
	outbox := mail.NewOutbox() // mail.NewSMTP(...) in production
	q := mail.NewQueue(outbox,
		mail.WithWorkers(2),              // at most 2 connections to the relay
		mail.WithCapacity(500),           // then ErrQueueFull, never blocking
		mail.WithTimeout(10*time.Second), // per delivery, not per request
		mail.WithLogger(slog.New(slog.NewTextHandler(os.Stderr, nil))))

	// In a request handler: returns at once, before delivery.
	err := q.Send(context.Background(), mail.Message{To: "alice@example.org", Subject: "Hi", Text: "Hello\n"})
	fmt.Println("send:", err)

	// At shutdown, after the HTTP server has stopped.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	fmt.Println("close:", q.Close(ctx))
	fmt.Println("delivered:", len(outbox.Messages()))
	// Output:
	// send: <nil>
	// close: <nil>
	// delivered: 1
}
