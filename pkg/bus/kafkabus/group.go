package kafkabus

import (
	"context"
	"fmt"

	"github.com/segmentio/kafka-go"
)

// Member is one live member of a consumer group.
type Member struct {
	ID       string
	ClientID string
	Host     string
}

// GroupMembers lists the live members of consumer group id; an unknown or
// empty group has none. A role that must run alone checks it before joining.
func GroupMembers(ctx context.Context, c Conn, id string) ([]Member, error) {
	if err := c.validate(); err != nil {
		return nil, err
	}
	resp, err := c.client().DescribeGroups(ctx, &kafka.DescribeGroupsRequest{GroupIDs: []string{id}})
	if err != nil {
		return nil, fmt.Errorf("describe group %s: %w", id, err)
	}
	var out []Member
	for _, g := range resp.Groups {
		if g.Error != nil {
			return nil, fmt.Errorf("describe group %s: %w", id, g.Error)
		}
		for _, m := range g.Members {
			out = append(out, Member{ID: m.MemberID, ClientID: m.ClientID, Host: m.ClientHost})
		}
	}
	return out, nil
}
