"""nn.Sequential with tanh, trained by RMSprop on a small regression."""
import torch
from torch import nn

x = torch.tensor([[0.0], [0.5], [1.0], [1.5], [2.0]])
y = torch.tensor([[0.0], [0.48], [0.84], [1.0], [0.91]])
net = nn.Sequential(nn.Linear(1, 3), nn.Tanh(), nn.Linear(3, 1))
with torch.no_grad():
    net[0].weight.copy_(torch.tensor([[0.5], [-0.3], [0.8]]))
    net[0].bias.copy_(torch.tensor([0.0, 0.1, -0.2]))
    net[2].weight.copy_(torch.tensor([[0.4, -0.2, 0.3]]))
    net[2].bias.zero_()
opt = torch.optim.RMSprop(net.parameters(), lr=0.01)

for it in range(50):
    out = net(x)
    loss = ((out - y) ** 2).mean()
    opt.zero_grad()
    loss.backward()
    opt.step()
