package fnhandler

import (
	"os"
	"runtime"
	"strings"
)

// The frames of a panic, laid out as the platform's module lays them out: the walk starts
// at the deferred recover, skips assembly files and the runtime and reflect packages, and
// ends at the handler wrapper NewHandler made; at most 32 frames.

type roots struct {
	goSrc, codeRoot, runtimeRoot string
}

func pathRoots() roots {
	return roots{goSrc: runtime.GOROOT() + "/src/", codeRoot: os.Getenv("RUNTIME_CODE_ROOT"),
		runtimeRoot: os.Getenv("RUNTIME_ROOT")}
}

// hidePath drops GOROOT/src/ (or everything up to the first "/src/"), the code and runtime
// roots, and anything before "go-runtime".
func hidePath(p string, r roots) string {
	if strings.Contains(p, r.goSrc) {
		p = strings.ReplaceAll(p, r.goSrc, "")
	} else if i := strings.Index(p, "/src/"); i >= 0 {
		p = p[i+len("/src/"):]
	}
	for _, root := range []string{r.codeRoot, r.runtimeRoot} {
		if root != "" {
			p = strings.ReplaceAll(p, root, "")
		}
	}
	if i := strings.Index(p, "go-runtime"); i >= 0 {
		p = p[i:]
	}
	return p
}

// shortFuncName keeps what follows the package: "example.com/fn.handler" is "handler",
// "x/fnhandler.(*Function).Invoke.func1" is "(*Function).Invoke.func1".
func shortFuncName(name string) string {
	if i := strings.LastIndex(name, "/"); i >= 0 {
		name = name[i+1:]
	}
	if i := strings.Index(name, "."); i >= 0 {
		name = name[i+1:]
	}
	return name
}

// panicFrames returns the stackTrace entries and the same frames as printed text.
func panicFrames() ([]string, string) {
	pcs := make([]uintptr, 128)
	n := runtime.Callers(2, pcs) // from the deferred function
	frames := runtime.CallersFrames(pcs[:n])
	r := pathRoots()
	var stack []string
	var text strings.Builder
	for count := 0; count < maxStackDepth; {
		f, more := frames.Next()
		if f.Function == "" || strings.HasSuffix(f.Function, "go-runtime/pkg/runtime/fnhandler.NewHandler.func1") {
			break
		}
		if !strings.HasSuffix(f.File, ".s") && !strings.HasPrefix(f.Function, "runtime.") &&
			!strings.HasPrefix(f.Function, "reflect.") {
			fn, at := joinFrame(shortFuncName(f.Function), hidePath(f.File, r), f.Line)
			stack = append(stack, fn, at)
			text.WriteString(fn + "\n" + at + "\n")
			count++
		}
		if !more {
			break
		}
	}
	return stack, text.String()
}
