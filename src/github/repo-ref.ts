/** The repository a job works on. */
export interface RepoRef {
  owner: string;
  repo: string;
}
