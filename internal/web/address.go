package web

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// ParseTrustedProxies reads a comma-separated list of addresses and CIDR
// ranges (--trusted-proxies). A bare address stands for itself alone.
func ParseTrustedProxies(list string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for item := range strings.SplitSeq(list, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		if p, err := netip.ParsePrefix(item); err == nil {
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(item)
		if err != nil {
			return nil, fmt.Errorf("trusted proxy %q is neither an address nor a CIDR range", item)
		}
		out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
	}
	return out, nil
}

type addressKey struct{}

// withClientAddress puts the client's address into the request's context,
// read once per request (clientAddress).
func (s *Server) withClientAddress(r *http.Request) *http.Request {
	addr := s.resolveClient(r)
	return r.WithContext(context.WithValue(r.Context(), addressKey{}, addr))
}

// clientAddress is the address of the client that sent r: the peer, or,
// when the peer is a trusted proxy, the one the proxies name.
func clientAddress(r *http.Request) string {
	if a, ok := r.Context().Value(addressKey{}).(string); ok {
		return a
	}
	return peerAddress(r)
}

// peerAddress is the connection's remote address without the port.
func peerAddress(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// resolveClient walks the hops the proxies recorded (Forwarded, else
// X-Forwarded-For) from the right, the one nearest to us, and takes the
// first that is not a trusted proxy. Hops further left were written by
// the client itself and prove nothing, so a spoofed header from an
// untrusted peer changes nothing: its peer address is the answer.
func (s *Server) resolveClient(r *http.Request) string {
	peer := peerAddress(r)
	if !s.trusted(peer) {
		return peer
	}
	hops := forwardedHops(r.Header)
	client := peer
	for i := len(hops) - 1; i >= 0; i-- {
		a, err := netip.ParseAddr(hops[i])
		if err != nil {
			// "unknown", an obfuscated name or garbage: the proxy that
			// wrote it is the last address we can vouch for.
			return client
		}
		client = a.Unmap().String()
		if !s.trusted(client) {
			return client
		}
	}
	return client
}

func (s *Server) trusted(addr string) bool {
	a, err := netip.ParseAddr(addr)
	if err != nil {
		return false
	}
	a = a.Unmap()
	for _, p := range s.trustedProxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// forwardedHops lists the client addresses the proxies recorded, leftmost
// (furthest) first: the for= of each RFC 7239 Forwarded element when that
// header is present, else X-Forwarded-For. Ports and the brackets of IPv6
// addresses are removed.
func forwardedHops(h http.Header) []string {
	var hops []string
	if fw := h.Values("Forwarded"); len(fw) > 0 {
		for elem := range strings.SplitSeq(strings.Join(fw, ","), ",") {
			node := ""
			for pair := range strings.SplitSeq(elem, ";") {
				k, v, ok := strings.Cut(strings.TrimSpace(pair), "=")
				if ok && strings.EqualFold(k, "for") {
					node = strings.Trim(v, `"`)
				}
			}
			hops = append(hops, hostOnly(node))
		}
		return hops
	}
	for _, v := range h.Values("X-Forwarded-For") {
		for hop := range strings.SplitSeq(v, ",") {
			hops = append(hops, hostOnly(strings.TrimSpace(hop)))
		}
	}
	return hops
}

// hostOnly strips a port and IPv6 brackets from a node: "[2001:db8::1]:443"
// and "192.0.2.1:80" become their addresses.
func hostOnly(node string) string {
	if host, _, err := net.SplitHostPort(node); err == nil {
		return host
	}
	return strings.TrimSuffix(strings.TrimPrefix(node, "["), "]")
}
