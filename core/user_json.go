package core

// UserDetails is the wire representation of a user, dj-rest-auth's
// UserDetailsSerializer: {"pk","username","email","first_name","last_name"}.
// It is the allow-list of what ever leaves the server about a user.
type UserDetails struct {
	PK        int64  `json:"pk"`
	Username  string `json:"username"`
	Email     string `json:"email"`
	FirstName string `json:"first_name"`
	LastName  string `json:"last_name"`
}

// Details returns u's wire representation.
func (u *User) Details() UserDetails {
	return UserDetails{PK: u.ID, Username: u.Username, Email: u.Email, FirstName: u.FirstName, LastName: u.LastName}
}
