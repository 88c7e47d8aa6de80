package kafkabus

import (
	"context"

	"github.com/segmentio/kafka-go"
)

// Member is one live member of a consumer group.
type Member struct {
	ID       string
	ClientID string
	Host     string
	// Partitions counts the partitions assigned to the member; it is 0
	// while the group is rebalancing.
	Partitions int
}

// GroupMembers lists the live members of consumer group id; an unknown or
// empty group has none. A role that must run alone checks it before joining.
func GroupMembers(ctx context.Context, c Conn, id string) ([]Member, error) {
	if err := c.validate(); err != nil {
		return nil, err
	}
	var out []Member
	err := retryTransient(ctx, "describe group "+id, func(ctx context.Context) error {
		out = out[:0]
		resp, err := c.client().DescribeGroups(ctx, &kafka.DescribeGroupsRequest{GroupIDs: []string{id}})
		if err != nil {
			return err
		}
		for _, g := range resp.Groups {
			if g.Error != nil {
				return g.Error
			}
			for _, m := range g.Members {
				n := 0
				for _, t := range m.MemberAssignments.Topics {
					n += len(t.Partitions)
				}
				out = append(out, Member{ID: m.MemberID, ClientID: m.ClientID, Host: m.ClientHost, Partitions: n})
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
