package mail

import (
	"context"
	"log/slog"
	"net/mail"
)

// logDelivery records one delivery attempt: the template name and the
// recipient's domain, never the body (it carries secret links) and never
// the full address.
func logDelivery(ctx context.Context, logger *slog.Logger, via string, m Message, to *mail.Address, err error) {
	if logger == nil {
		return
	}
	attrs := []slog.Attr{
		slog.String("mailer", via),
		slog.String("template", m.Template),
		slog.String("to_domain", domainOf(to.Address)),
	}
	if err != nil {
		attrs = append(attrs, slog.String("error", err.Error()))
		logger.LogAttrs(ctx, slog.LevelWarn, "mail delivery failed", attrs...)
		return
	}
	logger.LogAttrs(ctx, slog.LevelInfo, "mail sent", attrs...)
}
