package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/redis/go-redis/v9"

	"github.com/zoomevents/zoomevents/store/pgstore"
	"github.com/zoomevents/zoomevents/store/redisstore"
	"github.com/zoomevents/zoomevents/wsclient"
)

// leaseName returns the name relays share the lease under: -lease-name if
// set, else the subscription id (ZOOM_SUBSCRIPTION_ID, or the endpoint's
// subscriptionId parameter).
func leaseName(o *options, cfg wsclient.Config) (string, error) {
	if o.leaseName != "" {
		return o.leaseName, nil
	}
	if cfg.SubscriptionID != "" {
		return cfg.SubscriptionID, nil
	}
	if u, err := url.Parse(cfg.Endpoint); err == nil {
		if id := u.Query().Get("subscriptionId"); id != "" {
			return id, nil
		}
	}
	return "", fmt.Errorf("%w: -lease-name is needed: no subscription id in ZOOM_SUBSCRIPTION_ID or ZOOM_WS_ENDPOINT", errUsage)
}

// leaseKind returns "redis" or "postgres" for a lease URL, by its scheme.
func leaseKind(raw string) (string, error) {
	scheme, _, ok := strings.Cut(raw, "://")
	if ok {
		switch strings.ToLower(scheme) {
		case "redis", "rediss", "unix":
			return "redis", nil
		case "postgres", "postgresql":
			return "postgres", nil
		}
	}
	// The URL may hold a password: never printed.
	return "", fmt.Errorf("%w: -lease must be a redis://, rediss://, postgres:// or postgresql:// URL", errUsage)
}

// openLease connects to the lease's store and returns the lease and a
// function that closes the connection (call it after the client stopped).
// It checks the store answers, so a wrong URL fails at start-up. Errors
// never contain the URL (it may hold a password).
func openLease(ctx context.Context, o *options, name string, logger *slog.Logger) (wsclient.Lease, func(), error) {
	kind, err := leaseKind(o.leaseURL)
	if err != nil {
		return nil, nil, err
	}
	pctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	switch kind {
	case "redis":
		opt, err := redis.ParseURL(o.leaseURL)
		if err != nil {
			return nil, nil, fmt.Errorf("%w: -lease is not a valid Redis URL", errUsage)
		}
		c := redis.NewClient(opt)
		if err := c.Ping(pctx).Err(); err != nil {
			_ = c.Close()
			return nil, nil, fmt.Errorf("lease: Redis at %s does not answer: %w", opt.Addr, err)
		}
		l, err := redisstore.NewLease(c, name,
			redisstore.WithLeaseTTL(o.leaseTTL),
			redisstore.WithLeaseErrorHook(func(err error) { logger.Warn("lease: Redis renewal failed", "error", err) }))
		if err != nil {
			_ = c.Close()
			return nil, nil, fmt.Errorf("%w: %v", errUsage, err)
		}
		return l, func() { _ = c.Close() }, nil
	default:
		cfg, err := pgxpool.ParseConfig(o.leaseURL)
		if err != nil {
			return nil, nil, fmt.Errorf("%w: -lease is not a valid PostgreSQL URL", errUsage)
		}
		pool, err := pgxpool.NewWithConfig(pctx, cfg)
		if err != nil {
			return nil, nil, fmt.Errorf("lease: PostgreSQL: %w", err)
		}
		var opts []pgstore.Option
		if o.leaseTable != "" {
			opts = append(opts, pgstore.WithLeaseTable(o.leaseTable))
		}
		if !o.noMigrate {
			if err := pgstore.Migrate(pctx, pool, opts...); err != nil {
				pool.Close()
				return nil, nil, fmt.Errorf("lease: PostgreSQL at %s: %w", cfg.ConnConfig.Host, err)
			}
		} else if err := pool.Ping(pctx); err != nil {
			pool.Close()
			return nil, nil, fmt.Errorf("lease: PostgreSQL at %s does not answer: %w", cfg.ConnConfig.Host, err)
		}
		l, err := pgstore.NewLease(pool, name, append(opts, pgstore.WithLeaseTTL(o.leaseTTL))...)
		if err != nil {
			pool.Close()
			return nil, nil, fmt.Errorf("%w: %v", errUsage, err)
		}
		return l, pool.Close, nil
	}
}
