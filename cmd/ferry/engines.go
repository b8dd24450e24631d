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
	"interp": func(tr backend.Translator) (backend.Engine, error) {
		return backend.Serialize(interp.New(tr), 0, 0), nil
	},
	"jit": func(tr backend.Translator) (backend.Engine, error) {
		e, err := amd64.New(tr)
		if err != nil {
			return nil, err
		}
		lo, hi := amd64.CodeRange()
		return serializedJIT{backend.Serialize(e, lo, hi), e}, nil
	},
}

// serializedJIT keeps the JIT's statistics hooks reachable.
type serializedJIT struct {
	backend.Engine
	jit backend.SingleThreaded
}

func (s serializedJIT) CountRetired(on bool) {
	if c, ok := s.jit.(interface{ CountRetired(bool) }); ok {
		c.CountRetired(on)
	}
}
