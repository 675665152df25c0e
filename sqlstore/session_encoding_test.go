package sqlstore_test

import (
	"bytes"
	"encoding/gob"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/restauth/restauth/core/sessionkit"
	"github.com/restauth/restauth/sqlstore"
	"github.com/restauth/restauth/sqlstore/sqltest"
)

// TestSessionEncodings: a session stored as gob by an earlier version
// still loads, and a session saved now is stored in the compact encoding
// and loads back, on every database.
func TestSessionEncodings(t *testing.T) {
	for _, db := range sqltest.All() {
		t.Run(db.Name, func(t *testing.T) {
			db.RequireServer(t)
			s := sqltest.Open(t, db.URL(t))
			ss := s.SessionStore()
			old := map[interface{}]interface{}{"_auth_user_id": int64(9), "_auth_user_hash": "h"}
			var gobData bytes.Buffer
			if err := gob.NewEncoder(&gobData).Encode(old); err != nil {
				t.Fatal(err)
			}
			id := sessionkit.NewID()
			if _, err := s.DB().ExecContext(t.Context(), sqlstore.StoreQueries(s).InsertSession, id, gobData.Bytes(), sessionkit.Expiry(time.Now(), 60)); err != nil {
				t.Fatal(err)
			}
			load := func(id string) map[interface{}]interface{} {
				t.Helper()
				r := httptest.NewRequest(http.MethodGet, "/", nil)
				r.AddCookie(&http.Cookie{Name: "sessionid", Value: id})
				sess, err := ss.New(r, "sessionid")
				if err != nil || sess.IsNew || sess.ID != id {
					t.Fatalf("load %s: IsNew %v, ID %q, %v", id, sess.IsNew, sess.ID, err)
				}
				return sess.Values
			}
			if v := load(id); v["_auth_user_id"] != int64(9) || v["_auth_user_hash"] != "h" {
				t.Errorf("gob session loaded as %v", v)
			}

			r := httptest.NewRequest(http.MethodGet, "/", nil)
			sess, _ := ss.New(r, "sessionid")
			sess.Values["_auth_user_id"] = int64(10)
			sess.Values["flag"] = true
			if err := ss.Save(r, httptest.NewRecorder(), sess); err != nil {
				t.Fatal(err)
			}
			var stored []byte
			if err := s.DB().GetContext(t.Context(), &stored, s.DB().Rebind("SELECT data FROM restauth_session WHERE id = ?"), sess.ID); err != nil {
				t.Fatal(err)
			}
			if !bytes.HasPrefix(stored, []byte("\x00rsk1")) {
				t.Errorf("new session stored as %q, want the compact encoding", stored)
			}
			if v := load(sess.ID); v["_auth_user_id"] != int64(10) || v["flag"] != true || len(v) != 2 {
				t.Errorf("compact session loaded as %v", v)
			}
		})
	}
}
