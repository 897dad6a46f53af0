package routers

import (
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
)

// Echo mounts zoom with echo.WrapHandler, outside the API group limited by
// middleware.BodyLimit. (middleware.BodyDump reads the body but puts it
// back: harmless, at the cost of a copy.)
func Echo(zoom http.Handler) http.Handler {
	e := echo.New()
	e.POST(WebhookPath, echo.WrapHandler(zoom))
	apiGroup := e.Group("/api", middleware.BodyLimit("1K"))
	apiGroup.POST("/items", echo.WrapHandler(http.HandlerFunc(api)))
	return e
}

// EchoTrap applies BodyLimit("1K") to every route: echo answers a larger
// genuine event 413 itself, before the Handler runs (so its error hook
// never hears of it), and Zoom never retries a 4xx.
func EchoTrap(zoom http.Handler) http.Handler {
	e := echo.New()
	e.Use(middleware.BodyLimit("1K"))
	e.POST(WebhookPath, echo.WrapHandler(zoom))
	e.POST("/api/items", echo.WrapHandler(http.HandlerFunc(api)))
	return e
}
