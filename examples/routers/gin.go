package routers

import (
	"log"
	"net/http"

	"github.com/gin-gonic/gin"
)

// ginLogBodies reads the body with c.GetRawData, as body-logging gin
// middleware does, and does not put it back.
func ginLogBodies(c *gin.Context) {
	b, _ := c.GetRawData()
	log.Printf("%s %s: %d bytes", c.Request.Method, c.Request.URL.Path, len(b))
	c.Next()
}

// Gin mounts zoom with gin.WrapH, on the engine, outside the API group
// whose middleware reads bodies.
func Gin(zoom http.Handler) http.Handler {
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.POST(WebhookPath, gin.WrapH(zoom))
	apiGroup := r.Group("/api", ginLogBodies)
	apiGroup.POST("/items", gin.WrapF(api))
	return r
}

// GinTrap puts the body-reading middleware on the engine: the Handler gets
// a body already read and answers 500 (Zoom retries, so the event is not lost once the middleware is fixed), never 200.
func GinTrap(zoom http.Handler) http.Handler {
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.Use(ginLogBodies)
	r.POST(WebhookPath, gin.WrapH(zoom))
	r.POST("/api/items", gin.WrapF(api))
	return r
}
