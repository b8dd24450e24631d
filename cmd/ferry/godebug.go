// The Go runtime's cgroup-aware GOMAXPROCS keeps two cgroup files open for
// the life of the process (to follow limit changes). In ferry those
// descriptors would sit in the guest's fd space (its first open would not
// return 3) and count against its RLIMIT_NOFILE. ferry's parallelism is
// the guest's own threads, so the cgroup limit is not worth two fds.

//go:debug containermaxprocs=0

package main
