package password_test

import (
	"context"
	"fmt"
	"strings"

	"github.com/restauth/restauth/core/password"
)

// A Policy makes and checks hashes. Production code uses NewPolicy() with
// its defaults; the examples use FastArgon2Params to stay quick.
func ExamplePolicy() {
	fast, err := password.NewArgon2(password.FastArgon2Params())
	if err != nil {
		panic(err)
	}
	policy, err := password.NewPolicy(password.WithHasher(fast))
	if err != nil {
		panic(err)
	}
	ctx := context.Background()

	encoded, err := policy.Make(ctx, "correct horse battery staple")
	if err != nil {
		panic(err)
	}
	fmt.Println(strings.HasPrefix(encoded, "argon2$argon2id$v=19$m=64,t=1,p=1$"))

	ok, needsRehash, err := policy.Check(ctx, "correct horse battery staple", encoded)
	fmt.Println(ok, needsRehash, err)

	ok, _, err = policy.Check(ctx, "Tr0ub4dor&3", encoded)
	fmt.Println(ok, err)
	// Output:
	// true
	// true false <nil>
	// false <nil>
}

// Logging in: check the stored hash (or spend a dummy hash for an unknown
// user), and store a fresh hash when Check asks for one.
func ExamplePolicy_Check() {
	fast, _ := password.NewArgon2(password.FastArgon2Params())
	policy, _ := password.NewPolicy(password.WithHasher(fast))
	ctx := context.Background()

	// A hash written by Django 3.2 (PBKDF2, 10000 iterations).
	stored := "pbkdf2_sha256$10000$seasalt$yUSQkCSBBGjOglsg2f0YsigZVwZC6oXxFCoUK6nZWMQ="

	ok, needsRehash, err := policy.Check(ctx, "correct horse", stored)
	if err != nil {
		panic(err) // over-long password or cancelled request
	}
	if ok && needsRehash {
		stored, _ = policy.Make(ctx, "correct horse") // save it to the user row
	}
	fmt.Println(ok, strings.HasPrefix(stored, "argon2$"))

	// Unknown user: same work as a wrong password.
	fmt.Println(policy.Dummy(ctx, "whatever was typed"))
	// Output:
	// true true
	// <nil>
}

// Django's default validators, run in Django's order, report every
// failure.
func ExampleValidate() {
	user := []password.Attribute{
		{Name: "username", Value: "alice"},
		{Name: "email address", Value: "alice@example.com"},
	}
	for _, v := range password.Validate("alice", user, password.DefaultValidators()) {
		fmt.Println(v.Code+":", v.Message)
	}
	// Output:
	// password_too_similar: The password is too similar to the username.
	// password_too_short: This password is too short. It must contain at least 8 characters.
	// password_too_common: This password is too common.
}

// A CountingHasher lets tests assert how much hashing an endpoint did.
func ExampleCountingHasher() {
	fast, _ := password.NewArgon2(password.FastArgon2Params())
	counter := password.NewCountingHasher(fast)
	policy, _ := password.NewPolicy(password.WithHasher(counter))
	ctx := context.Background()

	policy.Check(ctx, "guess", password.MakeUnusable())
	fmt.Println(counter.Count())

	_, _, err := policy.Check(ctx, strings.Repeat("x", 5000), "")
	fmt.Println(counter.Count(), err)
	// Output:
	// 1
	// 1 password: password too long
}

// One Limiter shared by every Policy bounds a process's hashing.
func ExampleLimiter() {
	limiter, err := password.NewLimiter(password.LimiterConfig{
		MaxConcurrent: 4,
		MemoryBudget:  512 << 20,
	})
	if err != nil {
		panic(err)
	}
	policy, _ := password.NewPolicy(password.WithLimiter(limiter))
	fmt.Println(policy.Hasher().Algorithm(), limiter.MaxConcurrent())
	// Output: argon2 4
}
