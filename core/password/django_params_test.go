package password

import "testing"

// TestDjangoArgon2ParamsNoPingPong: with Django's parameters, a hash
// Django wrote (a 16-byte output, from the argon2-cffi of Debian 12's
// Django 3.2) is not re-hashed, nor is one made with a 32-byte output,
// while restauth's default parameters would re-hash both.
func TestDjangoArgon2ParamsNoPingPong(t *testing.T) {
	const djangoMade = "argon2$argon2id$v=19$m=102400,t=2,p=8$TXpIa0dnaGNuTDR1TDFVdEtzZjVTYg$bETHJMjPNU0R6cT9M7404Q"
	dj, err := NewArgon2(DjangoArgon2Params())
	if err != nil {
		t.Fatal(err)
	}
	if dj.NeedsRehash(djangoMade) {
		t.Error("Django's own 16-byte hash would be re-hashed")
	}
	if !DefaultArgon2().NeedsRehash(djangoMade) {
		t.Error("the default parameters should re-hash Django's hash (m=102400, p=8)")
	}
	long := "argon2$argon2id$v=19$m=102400,t=2,p=8$TXpIa0dnaGNuTDR1TDFVdEtzZjVTYg$" +
		"bETHJMjPNU0R6cT9M7404QbETHJMjPNU0R6cT9M7404Q"
	if dj.NeedsRehash(long) {
		t.Error("a 32-byte Django hash would be re-hashed")
	}
	if !dj.NeedsRehash("argon2$argon2id$v=19$m=19456,t=2,p=1$TXpIa0dnaGNuTDR1TDFVdEtzZjVTYg$bETHJMjPNU0R6cT9M7404Q") {
		t.Error("a hash with other parameters must still be re-hashed")
	}
}
