// The function the RPC tests drive: each event field asks for one kind of result.
package main

import (
	"encoding/json"
	"errors"

	"huaweicloud.com/go-runtime/go-api/context"
	"huaweicloud.com/go-runtime/pkg/runtime"
)

type event struct {
	Mode string `json:"mode"`
}

type item struct{ N int }

func crash() { panic("kaboom") }

func handler(payload []byte, ctx context.RuntimeContext) (interface{}, error) {
	var e event
	if err := json.Unmarshal(payload, &e); err != nil {
		return nil, err
	}
	ctx.GetLogger().Logf("mode %s", e.Mode)
	switch e.Mode {
	case "nil":
		return nil, nil
	case "nil-error":
		return nil, errors.New("the error beside nil")
	case "error":
		return "partial", errors.New("open /opt/function/code/conf.json: no such file")
	case "panic":
		crash()
	case "typed-nil":
		var p *item
		return p, nil
	case "string":
		return "plain text", nil
	}
	return map[string]string{
		"request":  ctx.GetRequestID(),
		"function": ctx.GetFunctionName(),
		"alias":    ctx.GetAlias(),
		"alias2":   ctx.GetAlias2(),
		"user":     ctx.GetUserData("greeting"),
	}, nil
}

func main() {
	runtime.Register(handler)
}
