package rtcontext

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"
)

// LogTimeFormat is the time stamp of a log line: UTC, RFC 3339 with milliseconds.
const LogTimeFormat = "2006-01-02T15:04:05.000Z"

var (
	outMu  sync.Mutex
	stdout io.Writer = os.Stdout
)

// Logger is the RuntimeLogger of one request: "<time> <request id> <message>" and a
// newline on standard output, as fmt.Println writes it in the platform's module (a message
// ending in a newline therefore leaves an empty line there too).
type Logger struct {
	requestID string
}

// NewLogger returns the logger of one request.
func NewLogger(requestID string) *Logger { return &Logger{requestID: requestID} }

// Logf formats a message like fmt.Printf and writes it as one log line.
func (l *Logger) Logf(format string, args ...interface{}) {
	line := time.Now().UTC().Format(LogTimeFormat) + " " + l.requestID + " " + fmt.Sprintf(format, args...) + "\n"
	outMu.Lock()
	defer outMu.Unlock()
	_, _ = io.WriteString(stdout, line)
}
