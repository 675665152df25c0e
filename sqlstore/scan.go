package sqlstore

// Explicit scan targets, in the column order of the queries (userColumns,
// then the joined table's columns), so that the hot reads scan with
// database/sql's Row.Scan instead of sqlx's reflective mapper
// (bench/NOTES.md, F6). A query and its dest method must list the same
// columns in the same order; the conformance suite checks every field.

// userColumnCount is how many columns userColumns lists.
const userColumnCount = 13

// appendDest appends pointers to the fields of r in userColumns order.
func (r *userRow) appendDest(d []any) []any {
	return append(d, &r.ID, &r.Username, &r.Email, &r.FirstName, &r.LastName, &r.Password,
		&r.IsActive, &r.EmailVerified, &r.IsStaff, &r.IsSuperuser, &r.DateJoined, &r.LastLogin, &r.TokenEpoch)
}

// dest returns pointers to the fields of r in userColumns order.
func (r *userRow) dest() []any {
	return r.appendDest(make([]any, 0, userColumnCount))
}

// dest returns pointers in sqlUserByToken's column order: the user, then
// the token.
func (r *tokenUserRow) dest() []any {
	return append(r.userRow.appendDest(make([]any, 0, userColumnCount+4)),
		&r.Digest, &r.UserID, &r.Created, &r.Expires)
}

// dest returns pointers to the fields of r in refreshTokenColumns order.
func (r *refreshTokenRow) dest() []any {
	return []any{&r.JTI, &r.FamilyID, &r.UserID, &r.Issued, &r.Expires, &r.Used}
}

// dest returns pointers to the fields of r in refreshFamilyColumns order.
func (r *refreshFamilyRow) dest() []any {
	return []any{&r.ID, &r.UserID, &r.Created, &r.Revoked}
}

// dest returns pointers in sqlRefreshTokenByJTI's column order: the token,
// then its family.
func (r *refreshTokenFamilyRow) dest() []any {
	f := &r.refreshFamilyRow
	return append(r.refreshTokenRow.dest(), &f.ID, &f.UserID, &f.Created, &f.Revoked)
}

// dest returns pointers in sqlUserByRefreshFamily's column order: the
// user, then the family.
func (r *refreshFamilyUserRow) dest() []any {
	f := &r.refreshFamilyRow
	return append(r.userRow.appendDest(make([]any, 0, userColumnCount+4)), &f.ID, &f.UserID, &f.Created, &f.Revoked)
}
