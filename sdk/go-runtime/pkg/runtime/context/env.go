// Package rtcontext builds the RuntimeContext handed to handlers: function settings come
// from the RUNTIME_* environment variables, per-request values from the X-CFF-* headers.
package rtcontext

import (
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
)

const defaultTimeoutSeconds = 3

// Env is the function configuration, read once from the environment.
type Env struct {
	ProjectID           string
	FuncName            string
	FuncVersion         string
	Package             string
	Alias               string
	Handler             string
	InitializerHandler  string
	InitializerTimeout  int
	PreStopHandler      string
	Timeout             int
	Memory              int
	CPU                 int
	UserData            map[string]string
	MaxRequestBodySize  int
	MaxResponseBodySize int
	MaxStateSize        int
}

var (
	envOnce sync.Once
	envObj  *Env
)

// GetEnv returns the configuration read from the environment (read on first use).
func GetEnv() *Env {
	envOnce.Do(func() { envObj = LoadEnv(os.Getenv) })
	return envObj
}

func intValue(getenv func(string) string, key string, def int) int {
	raw := strings.TrimSpace(getenv(key))
	if raw == "" {
		return def
	}
	v, err := strconv.Atoi(raw)
	if err != nil {
		fmt.Fprintf(os.Stderr, "go-runtime: ignoring invalid %s=%q\n", key, raw)
		return def
	}
	return v
}

// LoadEnv reads the configuration through getenv (os.Getenv in production).
func LoadEnv(getenv func(string) string) *Env {
	e := &Env{
		ProjectID:          getenv("RUNTIME_PROJECT_ID"),
		FuncName:           getenv("RUNTIME_FUNC_NAME"),
		FuncVersion:        getenv("RUNTIME_FUNC_VERSION"),
		Package:            getenv("RUNTIME_PACKAGE"),
		Alias:              getenv("RUNTIME_ALIAS"),
		Handler:            getenv("RUNTIME_HANDLER"),
		InitializerHandler: getenv("RUNTIME_INITIALIZER_HANDLER"),
		PreStopHandler:     getenv("RUNTIME_PRESTOP_HANDLER"),
		UserData:           map[string]string{},
	}
	e.Timeout = intValue(getenv, "RUNTIME_TIMEOUT", defaultTimeoutSeconds)
	e.InitializerTimeout = intValue(getenv, "RUNTIME_INITIALIZER_TIMEOUT", defaultTimeoutSeconds)
	e.Memory = intValue(getenv, "RUNTIME_MEMORY", 0)
	e.CPU = intValue(getenv, "RUNTIME_CPU", 0)
	e.MaxRequestBodySize = intValue(getenv, "RUNTIME_MAX_REQUEST_BODY_SIZE", 0)
	// Unset means no limit in the function process, as in the platform's module (the
	// platform sets it).
	e.MaxResponseBodySize = intValue(getenv, "RUNTIME_MAX_RESP_BODY_SIZE", 0)
	e.MaxStateSize = intValue(getenv, "RUNTIME_MAX_STATE_SIZE", 0)

	if raw := strings.TrimSpace(getenv("RUNTIME_USERDATA")); raw != "" {
		var values map[string]interface{}
		if err := json.Unmarshal([]byte(raw), &values); err != nil {
			fmt.Fprintf(os.Stderr, "go-runtime: RUNTIME_USERDATA is not a JSON object: %v\n", err)
		} else {
			for k, v := range values {
				switch tv := v.(type) {
				case string:
					e.UserData[k] = tv
				case nil:
					e.UserData[k] = ""
				default:
					b, _ := json.Marshal(tv)
					e.UserData[k] = string(b)
				}
			}
		}
	}
	return e
}
