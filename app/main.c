/* httpsviz: placeholder until the run modes land. */
#include <stdio.h>

int main(void)
{
	puts("httpsviz");
	return 0;
}
