package rtcontext

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"
)

// LogTimeFormat is the time stamp of a log line: UTC, RFC 3339 with milliseconds.
const LogTimeFormat = "2006-01-02T15:04:05.000Z"

var (
	outMu  sync.Mutex
	stdout io.Writer = os.Stdout
	stderr io.Writer = os.Stderr
)

// Logger is the RuntimeLogger of one request: lines "<time> <request id> <message>".
type Logger struct {
	requestID string
	out       *io.Writer
}

// NewLogger returns a logger writing to standard output.
func NewLogger(requestID string) *Logger { return &Logger{requestID: requestID, out: &stdout} }

// NewErrorLogger returns a logger writing to standard error.
func NewErrorLogger(requestID string) *Logger { return &Logger{requestID: requestID, out: &stderr} }

// Logf formats a message like fmt.Printf and writes it as one log line.
func (l *Logger) Logf(format string, args ...interface{}) {
	msg := fmt.Sprintf(format, args...)
	msg = strings.TrimRight(msg, "\n")
	line := time.Now().UTC().Format(LogTimeFormat) + " " + l.requestID + " " + msg + "\n"
	outMu.Lock()
	defer outMu.Unlock()
	_, _ = io.WriteString(*l.out, line)
}
