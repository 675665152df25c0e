// Command outoftree is an application written the way a user of the
// published modules writes one: a module of its own, outside the
// repository's workspace, that requires restauth, ginauth and echoauth by
// version. CI copies it out of the repository and resolves those versions
// from a module proxy built from the checkout (tools/workspace.sh
// outoftree), so it proves the modules install and work from outside.
//
// One account service is served through both frameworks, Gin and Echo,
// each with restauth's endpoints under /api/auth/ and a protected
// /api/hello/:
//
//	OUTOFTREE_USERNAME=alice OUTOFTREE_PASSWORD='…' go run . -gin 127.0.0.1:8000 -echo 127.0.0.1:8001
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/labstack/echo/v4"

	"github.com/restauth/restauth/core"
	"github.com/restauth/restauth/core/memstore"
	"github.com/restauth/restauth/echoauth"
	"github.com/restauth/restauth/ginauth"
)

// app is one restauth service and the two routers that serve it.
type app struct {
	auth *core.Auth
	gin  *gin.Engine
	echo *echo.Echo
}

// newApp builds the service from cfg and mounts it on a Gin engine and an
// Echo instance, each with a /api/hello/ route that requires a user.
func newApp(cfg core.Config) (*app, error) {
	auth, err := core.New(cfg)
	if err != nil {
		return nil, err
	}

	gin.SetMode(gin.ReleaseMode)
	g := gin.New()
	if err := g.SetTrustedProxies(nil); err != nil {
		return nil, err
	}
	ga := ginauth.New(auth)
	ga.Mount(g)
	g.GET("/api/hello/", ga.RequireUser(), func(c *gin.Context) {
		u, _ := ginauth.User(c)
		c.JSON(http.StatusOK, gin.H{"message": "Hello, " + u.Username + "!", "via": "gin"})
	})

	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	ea := echoauth.New(auth)
	ea.Mount(e)
	e.GET("/api/hello/", func(c echo.Context) error {
		u, _ := echoauth.User(c)
		return c.JSON(http.StatusOK, map[string]string{"message": "Hello, " + u.Username + "!", "via": "echo"})
	}, ea.RequireUser())

	return &app{auth: auth, gin: g, echo: e}, nil
}

func main() {
	ginAddr := flag.String("gin", "127.0.0.1:8000", "address of the Gin server")
	echoAddr := flag.String("echo", "127.0.0.1:8001", "address of the Echo server")
	flag.Parse()
	logger := slog.New(slog.NewTextHandler(os.Stderr, nil))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, *ginAddr, *echoAddr, logger); err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		os.Exit(1)
	}
}

// run serves both routers until ctx ends, with an in-memory store holding
// the account named by OUTOFTREE_USERNAME and OUTOFTREE_PASSWORD, if set.
func run(ctx context.Context, ginAddr, echoAddr string, logger *slog.Logger) error {
	a, err := newApp(core.Config{Store: memstore.New(), Logger: logger})
	if err != nil {
		return err
	}
	if name := os.Getenv("OUTOFTREE_USERNAME"); name != "" {
		nu := core.NewUser{Username: name, Password: os.Getenv("OUTOFTREE_PASSWORD")}
		if _, err := a.auth.CreateUser(ctx, nu); err != nil {
			return err
		}
	}
	servers := []*http.Server{
		{Addr: ginAddr, Handler: a.gin, ReadHeaderTimeout: 10 * time.Second},
		{Addr: echoAddr, Handler: a.echo, ReadHeaderTimeout: 10 * time.Second},
	}
	errc := make(chan error, len(servers))
	for _, s := range servers {
		go func() { errc <- s.ListenAndServe() }()
		logger.Info("listening", "addr", s.Addr)
	}
	select {
	case err = <-errc:
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for _, s := range servers {
		_ = s.Shutdown(shutdown)
	}
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return errors.Join(err, a.auth.Close(shutdown))
}
