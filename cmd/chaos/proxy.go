package main

import (
	"io"
	"net"
	"sync"
	"time"
)

// Proxy forwards one instance's database connections to Postgres, so that the command can cut
// them all at once, mid-transaction: both sides are closed, as a network failure would.
type Proxy struct {
	ln     net.Listener
	target string

	mu    sync.Mutex
	conns map[*proxyPair]struct{}
	total int
}

type proxyPair struct{ client, server net.Conn }

func (p *proxyPair) close() {
	_ = p.client.Close()
	_ = p.server.Close()
}

// newProxy listens on a free loopback port and forwards to target (host:port).
func newProxy(target string) (*Proxy, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	p := &Proxy{ln: ln, target: target, conns: map[*proxyPair]struct{}{}}
	go p.serve()
	return p, nil
}

// Port is where the instance connects.
func (p *Proxy) Port() int { return p.ln.Addr().(*net.TCPAddr).Port }

func (p *Proxy) serve() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		go p.handle(c)
	}
}

func (p *Proxy) handle(c net.Conn) {
	s, err := net.DialTimeout("tcp", p.target, 3*time.Second)
	if err != nil {
		_ = c.Close()
		return
	}
	pair := &proxyPair{client: c, server: s}
	p.mu.Lock()
	p.conns[pair] = struct{}{}
	p.total++
	p.mu.Unlock()
	done := make(chan struct{}, 2)
	go func() { _, _ = io.Copy(s, c); done <- struct{}{} }()
	go func() { _, _ = io.Copy(c, s); done <- struct{}{} }()
	<-done
	pair.close()
	<-done
	p.mu.Lock()
	delete(p.conns, pair)
	p.mu.Unlock()
}

// Cut closes every connection open now; it returns how many.
func (p *Proxy) Cut() int {
	p.mu.Lock()
	pairs := make([]*proxyPair, 0, len(p.conns))
	for c := range p.conns {
		pairs = append(pairs, c)
	}
	p.mu.Unlock()
	for _, c := range pairs {
		c.close()
	}
	return len(pairs)
}

// Close stops listening and cuts what is open.
func (p *Proxy) Close() {
	_ = p.ln.Close()
	p.Cut()
}
