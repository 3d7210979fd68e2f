/* arc4random for the GPU kit's portable binaries (scripts/gpu-kit.sh).
 *
 * The static libstdc++ of gcc 12 on Debian 12 calls arc4random (glibc 2.36)
 * in std::random_device, which would make the kit's binaries refuse to start
 * on glibc 2.35 hosts (Ubuntu 22.04). gpu-kit.sh links with
 * -Wl,--wrap=arc4random and this object, so that call lands here instead:
 * the same cryptographically random 32 bits, from getrandom (glibc 2.25).
 * The binaries then need glibc >= 2.35 (_dl_find_object of the static
 * libgcc unwinder). */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/random.h>

/** Returns 32 random bits; aborts if the kernel has no getrandom (< 3.17). */
uint32_t __wrap_arc4random(void) {
  uint32_t value;
  unsigned char *p = (unsigned char *)&value;
  size_t got = 0;
  while (got < sizeof value) {
    ssize_t n = getrandom(p + got, sizeof value - got, 0);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      abort();
    }
    got += (size_t)n;
  }
  return value;
}
