package main

import (
	"ferry/backend"
	"ferry/backend/amd64"
	"ferry/ir/interp"
)

// engineFactory builds an execution engine fed by tr.
type engineFactory func(tr backend.Translator) (backend.Engine, error)

// engineFactories maps -engine names to their constructors.
var engineFactories = map[string]engineFactory{
	"interp": func(tr backend.Translator) (backend.Engine, error) { return interp.New(tr), nil },
	"jit": func(tr backend.Translator) (backend.Engine, error) {
		e, err := amd64.New(tr)
		if err != nil {
			return nil, err // a nil *Engine must not become a non-nil interface
		}
		return e, nil
	},
}
