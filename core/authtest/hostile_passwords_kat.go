package authtest

// Django hash known-answer vectors (made by Django 3.2 with fixed salts,
// the 32-byte argon2 row by a newer argon2-cffi; the same as
// core/password/kat_test.go), each with a copy altered in one
// parameter that must not verify. Of the two argon2 vectors with Django's
// m=100 MiB, p=8 (0.4-5 s each on a shared 2-CPU machine, per adapter and
// database) only the 32-byte one, what current argon2-cffi writes, runs
// over HTTP; the 16-byte one runs in core/password's KAT test.
const pwKATPassword = "correct horse battery staple"

// pwKAT is one Django-made hash of password.
type pwKAT struct {
	name, password, encoded, altered string
	heavy                            bool // argon2 with Django's m=100 MiB, p=8: slow
}

// pwKATs returns the Django-made vectors.
func pwKATs() []pwKAT {
	return []pwKAT{
		{"pbkdf2_sha256", pwKATPassword,
			"pbkdf2_sha256$600000$AAAAAAAAAAAAAAAAAAAAAA$JNqRf6mWHLaaE3bPHymSqO2KZ7DTJYovxup9J2sdLYA=",
			"pbkdf2_sha256$600001$AAAAAAAAAAAAAAAAAAAAAA$JNqRf6mWHLaaE3bPHymSqO2KZ7DTJYovxup9J2sdLYA=", false},
		{"pbkdf2_sha1", pwKATPassword,
			"pbkdf2_sha1$260000$AAAAAAAAAAAAAAAAAAAAAA$6jmgzw+UAphczwyD5lgBKzp/YNk=",
			"pbkdf2_sha1$260001$AAAAAAAAAAAAAAAAAAAAAA$6jmgzw+UAphczwyD5lgBKzp/YNk=", false},
		{"bcrypt_sha256", pwKATPassword,
			"bcrypt_sha256$$2b$10$AAAAAAAAAAAAAAAAAAAAA.fcYKUPs79NycRheGmLNSyJPCHot00NO",
			"bcrypt_sha256$$2b$09$AAAAAAAAAAAAAAAAAAAAA.fcYKUPs79NycRheGmLNSyJPCHot00NO", false},
		{"bcrypt", pwKATPassword,
			"bcrypt$$2b$10$AAAAAAAAAAAAAAAAAAAAA.ypq7il2kmxL3dpjdOg8LepTQr/mcjDO",
			"bcrypt$$2b$09$AAAAAAAAAAAAAAAAAAAAA.ypq7il2kmxL3dpjdOg8LepTQr/mcjDO", false},
		{"pbkdf2_sha256 unicode", "pässwörd-ü-中文-😀",
			"pbkdf2_sha256$260000$AAAAAAAAAAAAAAAAAAAAAA$Cm/rPNzGqc+U96wRFrQ5D8l/x96XwDEvLscX779ndog=",
			"pbkdf2_sha256$259999$AAAAAAAAAAAAAAAAAAAAAA$Cm/rPNzGqc+U96wRFrQ5D8l/x96XwDEvLscX779ndog=", false},
		{"argon2id 32-byte", "Parity-Pass-2026 ü",
			"argon2$argon2id$v=19$m=102400,t=2,p=8$YWJjZGVmZ2hpamtsbW5vcHFyc3R1dg$IgorAEoC45Hed6TrnrYvCyIvYcj3785+rmJayoEyW88",
			"argon2$argon2id$v=19$m=102400,t=1,p=8$YWJjZGVmZ2hpamtsbW5vcHFyc3R1dg$IgorAEoC45Hed6TrnrYvCyIvYcj3785+rmJayoEyW88", true},
	}
}
