/* reportd_main.c - entry point of the FastCGI server. */
int main(void)
{
    return 0;
}
