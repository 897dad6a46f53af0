package pgstore

import (
	"context"
	"crypto/rand"
	_ "embed"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Default table names, used unless [WithTable] or [WithLeaseTable] say
// otherwise.
const (
	DefaultTable      = "zoomevents_dedup"
	DefaultLeaseTable = "zoomevents_lease"
)

// DefaultSweepBatch is how many expired rows one statement of
// [Store.Sweep] deletes at most, by default.
const DefaultSweepBatch = 1000

// ErrInvalidOption is returned (wrapped, with the reason) by [Migrate],
// [New] and [NewLease] for a bad option: a table name that is not a plain
// SQL identifier, a non-positive duration or batch size, an empty lease
// name.
var ErrInvalidOption = errors.New("pgstore: invalid option")

// ErrInvalidDuration is returned (wrapped) by the [Store] methods for a
// lease or TTL that is not positive; the database is not asked.
var ErrInvalidDuration = errors.New("pgstore: duration must be positive")

//go:embed migrate.sql
var migrateSQL string

// Option configures [Migrate], [New] and [NewLease]. Each says which
// options it reads; the others are ignored.
type Option func(*config)

type config struct {
	table      string
	leaseTable string
	sweepBatch int
	leaseTTL   time.Duration
	margin     time.Duration
	poll       time.Duration
	err        error
}

// WithTable sets the dedup table's name (default [DefaultTable]): a
// plain identifier of ASCII letters, digits and underscores, not starting
// with a digit, at most 51 bytes, optionally qualified by a schema
// ("schema.table"). Anything else is [ErrInvalidOption]. The name is
// quoted, so it is case-sensitive. Read by [Migrate] and [New].
func WithTable(name string) Option { return func(c *config) { c.table = name } }

// WithLeaseTable sets the lease table's name (default
// [DefaultLeaseTable]), under the same rules as [WithTable]. Read by
// [Migrate] and [NewLease].
func WithLeaseTable(name string) Option { return func(c *config) { c.leaseTable = name } }

// WithSweepBatch sets how many expired rows one DELETE of [Store.Sweep]
// removes at most (default [DefaultSweepBatch]), which bounds how long it
// holds row locks. Read by [New].
func WithSweepBatch(n int) Option {
	return func(c *config) {
		if n < 1 {
			c.fail("sweep batch %d is not positive", n)
		}
		c.sweepBatch = n
	}
}

func (c *config) fail(format string, args ...any) {
	if c.err == nil {
		c.err = fmt.Errorf("%w: "+format, append([]any{ErrInvalidOption}, args...)...)
	}
}

func newConfig(opts []Option) (*config, error) {
	c := &config{
		table:      DefaultTable,
		leaseTable: DefaultLeaseTable,
		sweepBatch: DefaultSweepBatch,
		leaseTTL:   DefaultLeaseTTL,
	}
	for _, o := range opts {
		o(c)
	}
	if c.err != nil {
		return nil, c.err
	}
	return c, nil
}

// identPart is one part of a table name we accept: no quoting is needed to
// read it, and quoting it cannot be escaped.
var identPart = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// maxTableLen leaves room for the index suffix within PostgreSQL's 63-byte
// identifiers.
const maxTableLen = 63 - len(indexSuffix)

const indexSuffix = "_expires_idx"

// tableName is a validated table name, possibly schema-qualified.
type tableName struct {
	schema, name string
}

func parseTable(s string) (tableName, error) {
	parts := strings.Split(s, ".")
	if len(parts) > 2 {
		return tableName{}, fmt.Errorf("%w: table name %q has more than one dot", ErrInvalidOption, s)
	}
	for _, p := range parts {
		if !identPart.MatchString(p) || len(p) > maxTableLen {
			return tableName{}, fmt.Errorf("%w: table name %q: each part must be ASCII letters, digits and underscores, not starting with a digit, at most %d bytes", ErrInvalidOption, s, maxTableLen)
		}
	}
	if len(parts) == 2 {
		return tableName{schema: parts[0], name: parts[1]}, nil
	}
	return tableName{name: parts[0]}, nil
}

// quoted returns the table's name quoted for SQL text.
func (t tableName) quoted() string {
	if t.schema != "" {
		return pgx.Identifier{t.schema, t.name}.Sanitize()
	}
	return pgx.Identifier{t.name}.Sanitize()
}

// migrateLockID serialises concurrent Migrate calls (CREATE TABLE IF NOT
// EXISTS is not safe against itself running at the same time). An
// arbitrary constant, unlikely to collide with an application's locks.
const migrateLockID int64 = 0x2f6a1c5d8e0b7a43

// Migrate creates the tables the store and the lease use, if they do not
// exist: the dedup table ([WithTable]), its expiry index, and the lease
// table ([WithLeaseTable]). The SQL is migrate.sql, embedded in this
// package. Migrate is idempotent and safe to run from every replica at
// start-up: concurrent runs are serialised by a transaction-scoped
// advisory lock. The database role needs the CREATE privilege on the
// schema; run it once from a deployment job instead when it does not.
func Migrate(ctx context.Context, pool *pgxpool.Pool, opts ...Option) error {
	c, err := newConfig(opts)
	if err != nil {
		return err
	}
	sql, err := c.migration()
	if err != nil {
		return err
	}
	return pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", migrateLockID); err != nil {
			return fmt.Errorf("pgstore: migrate: %w", err)
		}
		// No arguments: pgx sends the script with the simple protocol,
		// which runs several statements.
		if _, err := tx.Exec(ctx, sql); err != nil {
			return fmt.Errorf("pgstore: migrate: %w", err)
		}
		return nil
	})
}

// migration returns migrate.sql with the configured names.
func (c *config) migration() (string, error) {
	dedup, err := parseTable(c.table)
	if err != nil {
		return "", err
	}
	lease, err := parseTable(c.leaseTable)
	if err != nil {
		return "", err
	}
	return strings.NewReplacer(
		"{{dedup}}", dedup.quoted(),
		"{{dedup_index}}", pgx.Identifier{dedup.name + indexSuffix}.Sanitize(),
		"{{lease}}", lease.quoted(),
	).Replace(migrateSQL), nil
}

// Schema returns the SQL that [Migrate] runs with the same options, for
// deployments that apply migrations with their own tool.
func Schema(opts ...Option) (string, error) {
	c, err := newConfig(opts)
	if err != nil {
		return "", err
	}
	return c.migration()
}

// newToken returns 128 random bits in hex.
func newToken() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms
	return hex.EncodeToString(b[:])
}

// micros converts a positive duration to whole microseconds (PostgreSQL's
// timestamp resolution), at least one.
func micros(d time.Duration) int64 { return max(d.Microseconds(), 1) }
