package kafkabus

import (
	"sync"

	"github.com/wirewatch/wirewatch/pkg/article"
)

// Traces carries trace ids from a Reader to the Writer of the same stage.
// The bus.Message between them holds only the article, so the reader notes
// each article's trace id here and the writer takes it when the article
// comes back to be produced. Entries live only while an article is in the
// stage.
type Traces struct {
	m sync.Map // *article.Article → string
}

// Set notes the trace id of a.
func (t *Traces) Set(a *article.Article, id string) { t.m.Store(a, id) }

// Take returns and forgets the trace id of a.
func (t *Traces) Take(a *article.Article) (string, bool) {
	v, ok := t.m.LoadAndDelete(a)
	if !ok {
		return "", false
	}
	return v.(string), true
}

// Forget drops the trace id of a, if any.
func (t *Traces) Forget(a *article.Article) { t.m.Delete(a) }
