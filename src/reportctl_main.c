/* reportctl_main.c - entry point of the admin command line. */
int main(void)
{
    return 0;
}
